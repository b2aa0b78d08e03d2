/**
 * /api/warnings and /api/warning-rules: list and read warnings with their evidence, move them
 * through the tracking workflow, comment, edit rule parameters per region, trigger a run.
 *
 * Who acts: the signed-in user (`request.user`; every route is behind the session check of
 * server/auth/access.ts, which also decides the roles). Region: every query is limited to the
 * user's scope — a region filter outside it is a 403, a warning outside it a 404 — and runs
 * through `scopedPg`, so row-level security filters it again in Postgres.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { badRequest, notFound } from '../core/errors.ts';
import type { AppContext } from '../core/context.ts';
import { currentUser } from '../auth/require-auth.ts';
import { assertRegionVisible, canSee, regionScope, scopedPg } from '../auth/region-scope.ts';
import type { Acting } from '../auth/audit-trail.repository.ts';
import * as repo from './warnings.repository.ts';
import * as service from './warnings.service.ts';
import {
  AssignBody,
  CommentBody,
  EvidenceQuery,
  EvidenceResponse,
  IdParams,
  ListQuery,
  ListResponse,
  OkResponse,
  ParamHistoryQuery,
  ParamHistoryResponse,
  ParamsBody,
  ParamsResponse,
  RuleParams,
  RulesQuery,
  RulesResponse,
  RunBody,
  RunResponse,
  StatusBody,
  VersionResponse,
  WarningResponse,
} from './warnings.schema.ts';

/** The signed-in user acts, from the request's address; `actor` in a body is ignored (kept in the schema for old clients). */
function actingOf(req: FastifyRequest): Acting {
  return { actor: currentUser(req), ip: req.ip };
}

/** The regions a request may see: the signed-in user's scope. */
function scopeOf(req: FastifyRequest): string[] {
  return regionScope(currentUser(req));
}

function checkRegion(req: FastifyRequest, region: string | undefined): void {
  if (region) assertRegionVisible(currentUser(req), region);
}

/** The application context as this request may use it: Postgres under the user's region scope. */
function scopedCtx(req: FastifyRequest): AppContext {
  return { ...req.server.ctx, pg: scopedPg(req) };
}

const iso = (d: Date | string | null) => (d === null ? null : d instanceof Date ? d.toISOString() : String(d));

function summary<T extends { first_seen_at: Date; last_seen_at: Date; resolved_at: Date | null; updated_at: Date }>(r: T) {
  return {
    ...r,
    first_seen_at: iso(r.first_seen_at) as string,
    last_seen_at: iso(r.last_seen_at) as string,
    resolved_at: iso(r.resolved_at),
    updated_at: iso(r.updated_at) as string,
  };
}

export const warningsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  async function visibleWarning(req: FastifyRequest, id: string) {
    const w = await repo.getWarning(scopedCtx(req).pg.db, id);
    // Absent and outside the scope answer alike, so ids of other regions reveal nothing.
    if (!w || !canSee(currentUser(req), w.region_code)) throw notFound(`no warning ${id}`);
    return w;
  }

  app.get(
    '/warnings',
    { schema: { tags: ['warnings'], summary: 'List warnings (filters, paging)', querystring: ListQuery, response: { 200: ListResponse } } },
    async (req) => {
      const q = req.query;
      checkRegion(req, q.region);
      const page = q.page ?? 1;
      const pageSize = q.pageSize ?? 50;
      const r = await repo.listWarnings(scopedCtx(req).pg.db, { ...q, regions: scopeOf(req), page, pageSize });
      return { total: r.total, page, pageSize, items: r.items.map(summary) };
    },
  );

  app.get(
    '/warnings/:id',
    {
      schema: {
        tags: ['warnings'],
        summary: 'One warning with its evidence numbers and history',
        params: IdParams,
        response: { 200: WarningResponse },
      },
    },
    async (req) => {
      const w = await visibleWarning(req, req.params.id);
      const events = (await repo.warningEvents(scopedCtx(req).pg.db, w.id)).map((e) => ({ ...e, at: iso(e.at) as string }));
      return {
        ...summary(w),
        history: events.filter((e) => e.kind !== 'comment'),
        comments: events.filter((e) => e.kind === 'comment'),
        transitions: [...service.TRANSITIONS[w.status as service.Status]],
      };
    },
  );

  app.get(
    '/warnings/:id/evidence',
    {
      schema: {
        tags: ['warnings'],
        summary: 'The source rows and load batches behind a warning',
        params: IdParams,
        querystring: EvidenceQuery,
        response: { 200: EvidenceResponse },
      },
    },
    async (req) => {
      await visibleWarning(req, req.params.id);
      return service.evidence(scopedCtx(req), req.params.id, req.query.limit ?? 100);
    },
  );

  app.post(
    '/warnings/:id/status',
    {
      schema: {
        tags: ['warnings'],
        summary: 'Move a warning through the workflow',
        params: IdParams,
        body: StatusBody,
        response: { 200: VersionResponse },
      },
    },
    async (req) => {
      await visibleWarning(req, req.params.id);
      const b = req.body;
      const r = await service.changeStatus(scopedCtx(req), req.params.id, {
        to: b.status,
        expectedVersion: b.expectedVersion,
        by: actingOf(req),
        comment: b.comment,
      });
      return { id: req.params.id, ...r };
    },
  );

  app.post(
    '/warnings/:id/assignee',
    { schema: { tags: ['warnings'], summary: 'Assign a warning', params: IdParams, body: AssignBody, response: { 200: VersionResponse } } },
    async (req) => {
      await visibleWarning(req, req.params.id);
      const b = req.body;
      const r = await service.assign(scopedCtx(req), req.params.id, {
        assignee: b.assignee,
        expectedVersion: b.expectedVersion,
        by: actingOf(req),
      });
      return { id: req.params.id, ...r };
    },
  );

  app.post(
    '/warnings/:id/comments',
    { schema: { tags: ['warnings'], summary: 'Comment on a warning', params: IdParams, body: CommentBody, response: { 200: OkResponse } } },
    async (req) => {
      await visibleWarning(req, req.params.id);
      await service.addComment(scopedCtx(req), req.params.id, { by: actingOf(req), text: req.body.text });
      return { ok: true };
    },
  );

  app.post(
    '/warnings/run',
    { schema: { tags: ['warnings'], summary: 'Run the rules now', body: RunBody, response: { 200: RunResponse } } },
    async (req) => {
      checkRegion(req, req.body.region);
      if (!req.body.region) throw badRequest('give the region to run for');
      return service.runWarnings(scopedCtx(req), { trigger: 'api', ...req.body, by: actingOf(req) });
    },
  );

  app.get(
    '/warning-rules',
    {
      schema: {
        tags: ['warnings'],
        summary: 'The rules, with the parameters in force for a region',
        querystring: RulesQuery,
        response: { 200: RulesResponse },
      },
    },
    async (req) => {
      checkRegion(req, req.query.region);
      const rules = await service.listRules(scopedCtx(req), req.query.region);
      return req.query.area ? rules.filter((r) => r.area === req.query.area) : rules;
    },
  );

  app.put(
    '/warning-rules/:ruleId/params',
    {
      schema: {
        tags: ['warnings'],
        summary: "Override (or reset with null) a rule's parameters for one region",
        params: RuleParams,
        body: ParamsBody,
        response: { 200: ParamsResponse },
      },
    },
    async (req) => {
      checkRegion(req, req.body.region);
      const changed = await service.setRuleParams(scopedCtx(req), req.params.ruleId, {
        region: req.body.region,
        params: req.body.params,
        by: actingOf(req),
      });
      return { changed };
    },
  );

  app.get(
    '/warning-rules/:ruleId/params/history',
    {
      schema: {
        tags: ['warnings'],
        summary: 'Every change of a rule parameter',
        params: RuleParams,
        querystring: ParamHistoryQuery,
        response: { 200: ParamHistoryResponse },
      },
    },
    async (req) => {
      checkRegion(req, req.query.region);
      const scope = scopeOf(req);
      const rows = await repo.paramHistory(scopedCtx(req).pg.db, req.params.ruleId, req.query.region);
      return rows.filter((r) => scope.includes(r.region_code)).map((r) => ({ ...r, changed_at: iso(r.changed_at) as string }));
    },
  );
};
