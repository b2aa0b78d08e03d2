/** Health and what-is-loaded routes. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type TSchema } from '@sinclair/typebox';
import { etlStatus } from '../../etl/status.ts';
import { scopedPg } from '../auth/region-scope.ts';

export const systemRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // Anonymous (load balancers, watchers): the kinds of database only. Their descriptions name the
  // data directory or the Postgres host and user, which a caller without a session need not know.
  app.get(
    '/health',
    {
      schema: {
        response: {
          200: Type.Object({
            ok: Type.Boolean(),
            postgres: Type.Union([Type.Literal('pglite'), Type.Literal('server')]),
            duckdb: Type.Union([Type.Literal('memory'), Type.Literal('file')]),
          }),
        },
      },
    },
    async () => {
      const { pg, duck } = app.ctx;
      await pg.withConnection((tx) => tx.query('SELECT 1'));
      await duck.all('SELECT 1');
      return { ok: true, postgres: pg.kind, duckdb: duck.path === ':memory:' ? ('memory' as const) : ('file' as const) };
    },
  );

  // The ETL's status (etl/status.ts): live batches, their reconciliation, totals per table.
  const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
  const Line = Type.Object({
    table: Type.String(),
    column: Type.String(),
    source_rows: Type.Number(),
    source_sum: Nullable(Type.String()),
    pg_rows: Nullable(Type.Number()),
    pg_sum: Nullable(Type.String()),
    duck_rows: Nullable(Type.Number()),
    duck_sum: Nullable(Type.String()),
    reconciled: Type.Boolean(),
  });
  app.get(
    '/system/status',
    {
      schema: {
        response: {
          200: Type.Object({
            batches: Type.Array(
              Type.Object({
                batch_id: Type.Number(),
                kind: Type.String(),
                file: Type.String(),
                status: Type.String(),
                loaded_at: Type.String(),
                published_at: Nullable(Type.String()),
                rows: Type.Number(),
                rejected_rows: Type.Number(),
                replaces: Nullable(Type.Number()),
                reconciled: Type.Boolean(),
                reconciliation: Type.Array(Line),
              }),
            ),
            tables: Type.Array(Type.Object({ table: Type.String(), batches: Type.Number(), rows: Type.Number() })),
            all_reconciled: Type.Boolean(),
          }),
        },
      },
    },
    // Under the user's region scope (row-level security): a district sees its own batches and the region-less ones.
    async (req) => etlStatus(scopedPg(req)),
  );
};
