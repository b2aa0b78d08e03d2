/** GET /api/analytics/aggregate | facts | meta — the dashboard's read API over DuckDB. */
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { aggregate, cellsToArrow, facts } from './analytics.service.ts';
import {
  AggregateQuerystring,
  AggregateResponse,
  FactsQuerystring,
  FactsResponse,
  MetaQuerystring,
  MetaResponse,
} from './analytics.schema.ts';
import { DIMENSION_NAMES, MEASURE_NAMES } from './analytics.queries.ts';
import { ensureRollups } from './rollups.ts';
import { currentUser } from '../auth/require-auth.ts';
import { assertRegionVisible, regionScope } from '../auth/region-scope.ts';

export const ARROW_STREAM = 'application/vnd.apache.arrow.stream';

export const analyticsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/analytics/aggregate',
    { schema: { querystring: AggregateQuerystring, response: { 200: AggregateResponse } } },
    async (req, reply) => {
      const result = await aggregate(app.ctx.duck, currentUser(req), req.query);
      if ((req.headers.accept ?? '').includes(ARROW_STREAM)) {
        // The 200 schema describes the JSON form; the Arrow body is bytes and bypasses serialisation.
        return (reply as FastifyReply).type(ARROW_STREAM).send(Buffer.from(cellsToArrow(result)));
      }
      return result;
    },
  );

  app.get('/analytics/facts', { schema: { querystring: FactsQuerystring, response: { 200: FactsResponse } } }, async (req) =>
    facts(app.ctx.duck, currentUser(req), req.query),
  );

  app.get('/analytics/meta', { schema: { querystring: MetaQuerystring, response: { 200: MetaResponse } } }, async (req) => {
    const duck = app.ctx.duck;
    const user = currentUser(req);
    if (req.query.region) assertRegionVisible(user, req.query.region);
    await ensureRollups(duck);
    // Only the regions of the user's scope: the region picker offers nothing it would refuse.
    const scope = regionScope(user);
    const regions = await duck.all<{ code: string; name: string; parent_code: string | null; level: string }>(
      `SELECT code, any_value(name) AS name, any_value(parent_code) AS parent_code, any_value(level) AS level FROM region
        WHERE code IN (${scope.map(() => '?').join(', ')}) GROUP BY code ORDER BY code`,
      scope,
    );
    // From the rollup, not the payment table: a DISTINCT over 1e8 payments for a dropdown.
    const inScope = `region_code IN (${scope.map(() => '?').join(', ')})`;
    const years = await duck.all<{ year: number }>(
      `SELECT DISTINCT year FROM (SELECT year FROM budget_line WHERE ${inScope} UNION ALL SELECT DISTINCT year FROM payment_rollup WHERE ${inScope}) WHERE year IS NOT NULL ORDER BY year`,
      [...scope, ...scope],
    );
    const [asOf] = await duck.all<{ as_of: string | null }>(
      `SELECT CAST(max(last_paid_on) AS VARCHAR) AS as_of FROM payment_rollup WHERE ${inScope}`,
      scope,
    );
    return { regions, years: years.map((y) => y.year), as_of: asOf?.as_of ?? null, dimensions: DIMENSION_NAMES, measures: MEASURE_NAMES };
  });
};
