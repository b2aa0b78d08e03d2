/**
 * GET /api/project/profile | monthly | performance — the project page. The payment list of a
 * project is the facts endpoint cut by project (/api/analytics/facts?cut=project:…).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { regionScope } from '../analytics/analytics.service.ts';
import { currentUser } from '../auth/require-auth.ts';
import { notFound } from '../core/errors.ts';
import {
  buildProjectAdjustments,
  buildProjectInfo,
  buildProjectMonthly,
  buildProjectPerformance,
  buildProjectThread,
} from './project.queries.ts';
import type { Static } from '@sinclair/typebox';
import {
  AdjustmentRow,
  MonthlyResponse,
  PerformanceResponse,
  ProfileResponse,
  ProjectInfo,
  ProjectQuery,
  ProjectYearQuery,
  ThreadRow,
} from './project.schema.ts';

export const projectRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const duck = () => app.ctx.duck;
  const all = <T>(q: { sql: string; params: (string | number)[] }) => duck().all<T>(q.sql, q.params);

  app.get(
    '/project/profile',
    {
      schema: {
        tags: ['project'],
        summary: 'A project: reference data, life thread per year, adjustments',
        querystring: ProjectQuery,
        response: { 200: ProfileResponse },
      },
    },
    async (req) => {
      // The region filter: one list of codes, replaced by the user's scope when auth narrows it.
      const regions = await regionScope(duck(), currentUser(req), req.query.region);
      const [project] = await all<Static<typeof ProjectInfo>>(buildProjectInfo(req.query.code, regions));
      if (!project) throw notFound(`no project ${req.query.code} in region ${req.query.region}`);
      const thread = await all<Static<typeof ThreadRow>>(buildProjectThread(req.query.code, regions));
      const adjustments = await all<Static<typeof AdjustmentRow>>(buildProjectAdjustments(req.query.code, regions));
      return { project, thread, adjustments };
    },
  );

  app.get(
    '/project/monthly',
    {
      schema: {
        tags: ['project'],
        summary: 'Payments of a project by month of one year',
        querystring: ProjectYearQuery,
        response: { 200: MonthlyResponse },
      },
    },
    async (req) => {
      const regions = await regionScope(duck(), currentUser(req), req.query.region);
      return {
        year: req.query.year,
        rows: await all<Static<typeof MonthlyResponse>['rows'][number]>(buildProjectMonthly(req.query.code, req.query.year, regions)),
      };
    },
  );

  app.get(
    '/project/performance',
    {
      schema: {
        tags: ['project'],
        summary: 'Performance targets against actuals',
        querystring: ProjectQuery,
        response: { 200: PerformanceResponse },
      },
    },
    async (req) => {
      const regions = await regionScope(duck(), currentUser(req), req.query.region);
      return { rows: await all<Static<typeof PerformanceResponse>['rows'][number]>(buildProjectPerformance(req.query.code, regions)) };
    },
  );
};
