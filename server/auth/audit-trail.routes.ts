/**
 * /api/auth/audit-trail: the admins' search of the security audit trail, its chain check, and the
 * record every signed-in user's browser makes before it exports a table.
 *
 * Which rows an admin sees: those whose region is in the admin's scope (a district admin: the
 * district's; a city admin: the city's and its districts'). Rows without a region — sign-in
 * attempts under names that match no account, commands run on the server — only for an admin
 * whose scope covers the whole deployment (`coversDeployment`). Row-level security cannot do
 * this filtering: the application role must read the whole chain to append to it
 * (sql/pg/005_audit_trail_rls.sql), so the query narrows to the scope itself.
 *
 * Searching is not itself recorded (every change of a filter would add a row); exporting the
 * result is, like any export.
 *
 * Exports: tables are turned into CSV/XLSX in the browser (web/src/lib/export), so the server
 * only learns of an export when the browser says so. The dashboard records it first and refuses
 * to export when the record fails (GB/T 22239 level 3: an export that left no trace is worse
 * than one that did not happen). A client that skips the call gets nothing it could not read
 * anyway: every row it could export came from a read the server has already authorised.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { authService } from './auth.service.ts';
import { coversDeployment, searchAuditTrail, verifyAuditTrail } from './audit-trail.repository.ts';
import {
  AuditSearchQuery,
  AuditSearchResponse,
  AuditVerifyResponse,
  ExportRecordBody,
  ExportRecordResponse,
} from './audit-trail.schema.ts';
import { assertRegionVisible, regionScope, scopedPg } from './region-scope.ts';
import { loadRegionScope } from './region.repository.ts';
import { authDb } from './auth.db.ts';
import { clientInfo, currentUser } from './require-auth.ts';

export const auditTrailRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/auth/audit-trail', { schema: { querystring: AuditSearchQuery, response: { 200: AuditSearchResponse } } }, async (req) => {
    const user = currentUser(req);
    const q = req.query;
    if (q.region) assertRegionVisible(user, q.region);
    const scope = regionScope(user);
    return scopedPg(req).transaction(async (tx) => {
      // A region filter means that region and the regions below it, never past the scope.
      const regions = q.region ? (await loadRegionScope(authDb(tx), q.region)).filter((r) => scope.includes(r)) : scope;
      const includesUnregioned = !q.region && (await coversDeployment(tx, user.regionCode, scope));
      const page = await searchAuditTrail(tx, {
        regions,
        includeUnregioned: includesUnregioned,
        from: q.from ? new Date(q.from) : undefined,
        to: q.to ? new Date(q.to) : undefined,
        username: q.username,
        action: q.action,
        outcome: q.outcome,
        objectType: q.objectType,
        objectId: q.objectId,
        text: q.q,
        limit: q.limit,
        offset: q.offset,
      });
      return {
        total: page.total,
        limit: q.limit,
        offset: q.offset,
        includesUnregioned,
        rows: page.rows.map((r) => ({
          ...r,
          occurredAt: r.occurredAt.toISOString(),
          detail: (r.detail ?? {}) as Record<string, unknown>,
        })),
      };
    });
  });

  // The whole chain is walked (one snapshot, in pages): rate-limited in hardening.ts. It runs as
  // the owner, not under scopedPg: the check needs every row, and its answer names no row's
  // content — a count, the head hash and, when broken, the first bad seq.
  app.get('/auth/audit-trail/verify', { schema: { response: { 200: AuditVerifyResponse } } }, async (req) => {
    const r = await verifyAuditTrail(req.server.ctx.pg);
    return { ...r, checkedAt: new Date().toISOString() };
  });

  app.post('/auth/audit-trail/exports', { schema: { body: ExportRecordBody, response: { 200: ExportRecordResponse } } }, async (req) => {
    const user = currentUser(req);
    const b = req.body;
    const region = b.filters.region;
    if (region !== undefined) assertRegionVisible(user, region);
    const row = await authService(req.server.ctx).recordExport(user, b, clientInfo(req));
    return { seq: row.seq };
  });
};
