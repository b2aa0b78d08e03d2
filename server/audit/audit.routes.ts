/** GET /api/audit/matrix | progress | overdue | findings | recurring — the audit-rectification page. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Static } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { scopedPg } from '../auth/region-scope.ts';
import { regionScope } from '../analytics/analytics.service.ts';
import { currentUser } from '../auth/require-auth.ts';
import { buildFindingMatrix, buildFindings, buildOverdue, buildRectificationProgress } from './audit.queries.ts';
import {
  Finding,
  FindingsQuery,
  FindingsResponse,
  MatrixResponse,
  OverdueResponse,
  ProgressResponse,
  RecurringResponse,
  RegionQuery,
} from './audit.schema.ts';
import { recurringChains } from './audit.service.ts';

type FindingRow = Static<typeof Finding>;

export const auditRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const duck = () => app.ctx.duck;
  const all = <T>(q: { sql: string; params: (string | number)[] }) => duck().all<T>(q.sql, q.params);
  // The region filter: one list of codes, replaced by the user's scope when auth narrows it.
  const scope = (req: FastifyRequest<{ Querystring: { region: string } }>) => regionScope(duck(), currentUser(req), req.query.region);

  app.get(
    '/audit/matrix',
    {
      schema: {
        tags: ['audit'],
        summary: 'Findings by audit year × category',
        querystring: RegionQuery,
        response: { 200: MatrixResponse },
      },
    },
    async (req) => ({ rows: await all<Static<typeof MatrixResponse>['rows'][number]>(buildFindingMatrix(await scope(req))) }),
  );

  app.get(
    '/audit/progress',
    {
      schema: {
        tags: ['audit'],
        summary: 'Rectification progress per audit year',
        querystring: RegionQuery,
        response: { 200: ProgressResponse },
      },
    },
    async (req) => {
      const rows = await all<Static<typeof ProgressResponse>['rows'][number]>(buildRectificationProgress(await scope(req)));
      return { as_of: rows[0]?.as_of ?? null, rows };
    },
  );

  app.get(
    '/audit/overdue',
    {
      schema: {
        tags: ['audit'],
        summary: 'Findings past their rectification deadline',
        querystring: RegionQuery,
        response: { 200: OverdueResponse },
      },
    },
    async (req) => ({ rows: await all<FindingRow>(buildOverdue(await scope(req))) }),
  );

  app.get(
    '/audit/findings',
    {
      schema: {
        tags: ['audit'],
        summary: 'Audit findings with their status (paged)',
        querystring: FindingsQuery,
        response: { 200: FindingsResponse },
      },
    },
    async (req) => {
      const page = req.query.page ?? 1;
      const pagesize = req.query.pagesize ?? 50;
      const rows = await all<FindingRow & { _rows?: number }>(
        buildFindings(await scope(req), { year: req.query.year, category: req.query.category, page, pagesize }),
      );
      const total = rows[0]?._rows ?? 0;
      for (const r of rows) delete r._rows;
      return { total, page, pagesize, rows };
    },
  );

  app.get(
    '/audit/recurring',
    {
      schema: {
        tags: ['audit'],
        summary: 'Recurring findings (屡审屡犯): the chains of the R15 warnings',
        querystring: RegionQuery,
        response: { 200: RecurringResponse },
      },
    },
    async (req) => ({ chains: await recurringChains(scopedPg(req), await scope(req)) }),
  );
};
