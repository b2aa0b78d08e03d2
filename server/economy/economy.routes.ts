/** GET /api/economy/indicators | compare | series — the economy page. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Static } from '@sinclair/typebox';
import { regionScope } from '../analytics/analytics.service.ts';
import { currentUser } from '../auth/require-auth.ts';
import { findRule } from '../warnings/rules.ts';
import { buildIndicatorSeries, buildIndicators, buildRegionComparison } from './economy.queries.ts';
import { CompareQuery, IndicatorRow, IndicatorsQuery, IndicatorsResponse, SeriesQuery, SeriesResponse } from './economy.schema.ts';

/** R19's tolerance (default parameter): how far below the pro-rata target counts as behind. */
function tolerancePct(): number {
  const v = Number(findRule('R19')?.params.find((p) => p.name === 'tolerance_pct')?.default);
  return Number.isFinite(v) ? v : 0;
}

export const economyRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const duck = () => app.ctx.duck;
  const all = <T>(q: { sql: string; params: (string | number)[] }) => duck().all<T>(q.sql, q.params);

  app.get(
    '/economy/indicators',
    {
      schema: {
        tags: ['economy'],
        summary: 'Plan indicators of a year against their targets (the selected region only)',
        querystring: IndicatorsQuery,
        response: { 200: IndicatorsResponse },
      },
    },
    async (req) => {
      // The region filter: one list of codes (here the region itself, without its districts),
      // replaced by the user's scope when auth narrows it.
      const regions = await regionScope(duck(), currentUser(req), req.query.region, false);
      const tol = tolerancePct();
      const rows = await all<Static<typeof IndicatorRow>>(buildIndicators(req.query.year, regions, tol));
      return { year: req.query.year, tolerance_pct: tol, rows };
    },
  );

  app.get(
    '/economy/compare',
    {
      schema: {
        tags: ['economy'],
        summary: 'One indicator across the region and its sub-regions',
        querystring: CompareQuery,
        response: { 200: IndicatorsResponse },
      },
    },
    async (req) => {
      const regions = await regionScope(duck(), currentUser(req), req.query.region);
      const tol = tolerancePct();
      const rows = await all<Static<typeof IndicatorRow>>(buildRegionComparison(req.query.year, req.query.indicator, regions, tol));
      return { year: req.query.year, tolerance_pct: tol, rows };
    },
  );

  app.get(
    '/economy/series',
    {
      schema: {
        tags: ['economy'],
        summary: 'Every period of one indicator: target and actual',
        querystring: SeriesQuery,
        response: { 200: SeriesResponse },
      },
    },
    async (req) => {
      const regions = await regionScope(duck(), currentUser(req), req.query.region, false);
      return { rows: await all<Static<typeof SeriesResponse>['rows'][number]>(buildIndicatorSeries(req.query.indicator, regions)) };
    },
  );
};
