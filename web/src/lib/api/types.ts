/**
 * Shapes of the API responses the pages read (money as decimal strings in 元), taken from the
 * server's own TypeBox schemas as types only: nothing of the server reaches the bundle (`import
 * type` is erased), and a response the server changes fails `npm run check` here instead of
 * drifting from a hand-kept copy.
 */
import type { Static } from '@sinclair/typebox';
import type { AuditEntry as AuditEntrySchema, AuditSearchResponse, ExportRecordBody } from '../../../../server/auth/audit-trail.schema.ts';
import type { MeUser, UserSummarySchema } from '../../../../server/auth/auth.schema.ts';
import type { AggregateResponse, FactsResponse, MetaResponse } from '../../../../server/analytics/analytics.schema.ts';
import type { RecurringResponse } from '../../../../server/audit/audit.schema.ts';
import type { ProfileResponse } from '../../../../server/project/project.schema.ts';

/** One row of a table as the API sends it. */
export type Cell = Record<string, string | number | null>;

/** GET /api/auth/me: the signed-in user. */
export type Me = Static<typeof MeUser>;
export type Role = Me['role'];
/** GET /api/auth/users: one account. */
export type UserSummary = Static<typeof UserSummarySchema>;
/** GET /api/auth/audit-trail: one row, and a page of them. */
export type AuditEntry = Static<typeof AuditEntrySchema>;
export type AuditSearchResult = Static<typeof AuditSearchResponse>;
/** POST /api/auth/audit-trail/exports: what an export records. */
export type ExportRecord = ExportRecordBody;

/** GET /api/analytics/aggregate, /facts and /meta (money as decimal strings in 元). */
export type AggregateResult = Static<typeof AggregateResponse>;
export type FactsResult = Static<typeof FactsResponse>;
export type Meta = Static<typeof MetaResponse>;
/** GET /api/audit/recurring: one recurring-finding chain (屡审屡犯) and its links. */
export type RecurringChain = Static<typeof RecurringResponse>['chains'][number];
export type ChainLink = RecurringChain['chain'][number];
/** GET /api/project/profile. */
export type ProjectProfile = Static<typeof ProfileResponse>;
export type ProjectInfo = ProjectProfile['project'];
