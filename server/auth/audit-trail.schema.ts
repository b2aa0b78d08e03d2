/** TypeBox schemas of the audit-trail routes (search, chain check, export records). Every object is closed. */
import { Type, type Static } from '@sinclair/typebox';
import { Line, Text } from '../core/schema.ts';
import { RegionCode } from './auth.schema.ts';

const closed = { additionalProperties: false } as const;

export const AuditOutcomeSchema = Type.Union([Type.Literal('success'), Type.Literal('failure'), Type.Literal('denied')]);

export const AUDIT_PAGE_MAX = 500;

export const AuditSearchQuery = Type.Object(
  {
    /** UTC instants (RFC 3339); `from` inclusive, `to` exclusive. */
    from: Type.Optional(Type.String({ format: 'date-time' })),
    to: Type.Optional(Type.String({ format: 'date-time' })),
    username: Type.Optional(Text({ minLength: 1, maxLength: 64 })),
    /** A dotted action or its prefix: `auth` finds auth.login, auth.logout … */
    action: Type.Optional(Type.String({ pattern: '^[a-z][a-z0-9_]*(\\.[a-z0-9_]+)*\\.?$', maxLength: 64 })),
    outcome: Type.Optional(AuditOutcomeSchema),
    /** That region and the regions below it; must lie within the admin's scope (403 otherwise). */
    region: Type.Optional(RegionCode),
    objectType: Type.Optional(Text({ minLength: 1, maxLength: 64 })),
    objectId: Type.Optional(Text({ minLength: 1, maxLength: 200 })),
    /** Free text, matched case-insensitively in the user name, action, object, address and detail. */
    q: Type.Optional(Text({ minLength: 1, maxLength: 100 })),
    limit: Type.Integer({ minimum: 1, maximum: AUDIT_PAGE_MAX, default: 50 }),
    offset: Type.Integer({ minimum: 0, maximum: 10_000_000, default: 0 }),
  },
  closed,
);
export type AuditSearchQuery = Static<typeof AuditSearchQuery>;

export const AuditEntry = Type.Object(
  {
    seq: Type.String(),
    /** UTC, ISO 8601 with Z. */
    occurredAt: Type.String(),
    userId: Type.Union([Type.String(), Type.Null()]),
    username: Type.Union([Type.String(), Type.Null()]),
    role: Type.Union([Type.String(), Type.Null()]),
    regionCode: Type.Union([Type.String(), Type.Null()]),
    action: Type.String(),
    objectType: Type.Union([Type.String(), Type.Null()]),
    objectId: Type.Union([Type.String(), Type.Null()]),
    outcome: AuditOutcomeSchema,
    detail: Type.Record(Type.String(), Type.Unknown()),
    ip: Type.Union([Type.String(), Type.Null()]),
    hash: Type.String(),
  },
  closed,
);

export const AuditSearchResponse = Type.Object(
  {
    total: Type.Integer(),
    limit: Type.Integer(),
    offset: Type.Integer(),
    /** Whether rows without a region are included for this admin (see coversDeployment). */
    includesUnregioned: Type.Boolean(),
    rows: Type.Array(AuditEntry),
  },
  closed,
);

export const AuditVerifyResponse = Type.Object(
  {
    ok: Type.Boolean(),
    rows: Type.Integer(),
    head: Type.String(),
    firstBroken: Type.Optional(
      Type.Object(
        {
          seq: Type.String(),
          reason: Type.Union([Type.Literal('hash_mismatch'), Type.Literal('prev_hash_mismatch'), Type.Literal('seq_gap')]),
        },
        closed,
      ),
    ),
    checkedAt: Type.String(),
  },
  closed,
);

export const ExportRecordBody = Type.Object(
  {
    /** The page's path (`/budget`). */
    page: Type.String({ pattern: '^/[A-Za-z0-9/_-]{0,199}$' }),
    /** The table's or chart's export name (`debt-positions`). */
    table: Line({ minLength: 1, maxLength: 120 }),
    format: Type.Union([Type.Literal('csv'), Type.Literal('xlsx')]),
    rows: Type.Integer({ minimum: 0, maximum: 100_000_000 }),
    /**
     * What the page was filtered by: its URL query and the top bar (region, year, unit). A
     * `region` outside the user's scope is refused (403): no page could have shown its data.
     */
    filters: Type.Record(Type.String({ pattern: '^[A-Za-z0-9_.-]{1,40}$' }), Text({ maxLength: 500 }), {
      maxProperties: 40,
      additionalProperties: false,
    }),
  },
  closed,
);
export type ExportRecordBody = Static<typeof ExportRecordBody>;

export const ExportRecordResponse = Type.Object({ seq: Type.String() }, closed);
