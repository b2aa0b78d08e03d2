/** GET /api/debt/positions | maturity | bonds — the debt page. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { RegionCode } from '../analytics/analytics.schema.ts';
import { regionScope } from '../analytics/analytics.service.ts';
import { currentUser } from '../auth/require-auth.ts';
import { buildBonds, buildDebtPositions, buildMaturityProfile, debtRatioBand } from './debt.queries.ts';

const Row = Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Null()]));
const Year = Type.Integer({ minimum: 1990, maximum: 2100 });

export const debtRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/debt/positions',
    {
      schema: {
        querystring: Type.Object({ region: RegionCode, year: Year }, { additionalProperties: false }),
        response: { 200: Type.Object({ rows: Type.Array(Row) }) },
      },
    },
    async (req) => {
      const regions = await regionScope(app.ctx.duck, currentUser(req), req.query.region);
      const q = buildDebtPositions(req.query.year, regions);
      const rows = await app.ctx.duck.all<Record<string, string | number | null>>(q.sql, q.params);
      return { rows: rows.map((r) => ({ ...r, band: debtRatioBand(r.debt_ratio as number | null) })) };
    },
  );

  app.get(
    '/debt/maturity',
    {
      schema: {
        querystring: Type.Object(
          { region: RegionCode, from: Type.Optional(Type.String({ format: 'date', description: 'default: the as-of date of the data' })) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ from: Type.String(), rows: Type.Array(Row) }) },
      },
    },
    async (req) => {
      const regions = await regionScope(app.ctx.duck, currentUser(req), req.query.region);
      let from = req.query.from;
      if (!from) {
        const [r] = await app.ctx.duck.all<{ d: string | null }>(
          `SELECT CAST(max(last_paid_on) AS VARCHAR) AS d FROM payment_rollup WHERE region_code IN (${regions.map(() => '?').join(', ')})`,
          regions,
        );
        from = r?.d ?? '1990-01-01';
      }
      const q = buildMaturityProfile(regions, from);
      return { from, rows: await app.ctx.duck.all<Record<string, string | number | null>>(q.sql, q.params) };
    },
  );

  app.get(
    '/debt/bonds',
    {
      schema: {
        querystring: Type.Object(
          {
            region: RegionCode,
            page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, default: 1 })),
            pagesize: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 50 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ total: Type.Integer(), rows: Type.Array(Row) }) },
      },
    },
    async (req) => {
      const regions = await regionScope(app.ctx.duck, currentUser(req), req.query.region);
      const q = buildBonds(regions, req.query.page ?? 1, req.query.pagesize ?? 50);
      const rows = await app.ctx.duck.all<Record<string, string | number | null>>(q.sql, q.params);
      const total = Number(rows[0]?._rows ?? 0);
      for (const r of rows) delete r._rows;
      return { total, rows };
    },
  );
};
