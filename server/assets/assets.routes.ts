/** GET /api/assets/kinds | enterprises | administrative | resources — the state-assets page. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Static } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { regionScope } from '../analytics/analytics.service.ts';
import { currentUser } from '../auth/require-auth.ts';
import { findRule } from '../warnings/rules.ts';
import {
  buildAdminByCategory,
  buildAdminByDepartment,
  buildAssetKinds,
  buildAssetTrend,
  buildEnterprises,
  buildLatestYear,
  buildResources,
} from './assets.queries.ts';
import {
  AdministrativeResponse,
  EnterprisesQuery,
  EnterprisesResponse,
  KindsResponse,
  ResourcesResponse,
  YearQuery,
} from './assets.schema.ts';

type Rows<T extends { [k: string]: unknown }, K extends keyof T> = T[K] extends (infer R)[] ? R[] : never;

/** A rule parameter's default (the warning lines drawn on this page), e.g. R17 max_debt_asset_pct. */
function ruleDefault(ruleId: string, name: string, fallback: number): number {
  const v = Number(findRule(ruleId)?.params.find((p) => p.name === name)?.default);
  return Number.isFinite(v) ? v : fallback;
}

export const assetsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const duck = () => app.ctx.duck;
  const all = <T>(q: { sql: string; params: (string | number | boolean)[] }) => duck().all<T>(q.sql, q.params);
  // The region filter: one list of codes, replaced by the user's scope when auth narrows it.
  const scope = (req: FastifyRequest<{ Querystring: { region: string } }>) => regionScope(duck(), currentUser(req), req.query.region);
  const yearOf = (rows: { year: number }[]) => rows[0]?.year ?? null;

  app.get(
    '/assets/kinds',
    {
      schema: {
        tags: ['assets'],
        summary: 'The four kinds of state assets (latest year ≤ year) and their trend',
        querystring: YearQuery,
        response: { 200: KindsResponse },
      },
    },
    async (req) => {
      const regions = await scope(req);
      type R = Static<typeof KindsResponse>;
      return {
        kinds: await all<Rows<R, 'kinds'>[number]>(buildAssetKinds(req.query.year, regions)),
        trend: await all<Rows<R, 'trend'>[number]>(buildAssetTrend(regions)),
      };
    },
  );

  app.get(
    '/assets/enterprises',
    {
      schema: {
        tags: ['assets'],
        summary: 'Enterprise league table: debt-to-asset ratio, profit, ROE, capital preservation and appreciation',
        querystring: EnterprisesQuery,
        response: { 200: EnterprisesResponse },
      },
    },
    async (req) => {
      const regions = await scope(req);
      const maxDebtAssetPct = ruleDefault('R17', 'max_debt_asset_pct', 70);
      const rows = await all<Rows<Static<typeof EnterprisesResponse>, 'rows'>[number]>(
        buildEnterprises(req.query.year, regions, {
          kind: req.query.kind,
          order: req.query.order ?? 'total_assets',
          desc: req.query.desc ?? true,
          maxDebtAssetPct,
        }),
      );
      return { year: yearOf(rows), max_debt_asset_pct: maxDebtAssetPct, rows };
    },
  );

  app.get(
    '/assets/administrative',
    {
      schema: {
        tags: ['assets'],
        summary: 'Administrative/institutional assets by department and status, with the idle share',
        querystring: YearQuery,
        response: { 200: AdministrativeResponse },
      },
    },
    async (req) => {
      const regions = await scope(req);
      type R = Static<typeof AdministrativeResponse>;
      const departments = await all<Rows<R, 'departments'>[number]>(buildAdminByDepartment(req.query.year, regions));
      const categories = await all<Rows<R, 'categories'>[number]>(buildAdminByCategory(req.query.year, regions));
      const [y] = await all<{ year: number | null }>(buildLatestYear('asset_card', req.query.year, regions));
      return { year: y?.year ?? null, max_idle_pct: ruleDefault('R18', 'max_idle_pct', 10), departments, categories };
    },
  );

  app.get(
    '/assets/resources',
    {
      schema: { tags: ['assets'], summary: 'State natural resources', querystring: YearQuery, response: { 200: ResourcesResponse } },
    },
    async (req) => {
      const regions = await scope(req);
      const rows = await all<Rows<Static<typeof ResourcesResponse>, 'rows'>[number]>(buildResources(req.query.year, regions));
      return { year: yearOf(rows), rows };
    },
  );
};
