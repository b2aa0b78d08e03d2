/** TypeBox schemas of the warnings API. Unknown fields and parameters are a 400, not ignored. */
import { Type, type Static } from '@sinclair/typebox';
import { Text } from '../core/schema.ts';
import { AREAS } from './rules.ts';

const lit = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));

export const RegionCode = Type.String({ pattern: '^[0-9]{6}$', description: '6-digit administrative code' });
export const RuleId = Type.String({ pattern: '^R([1-9]|1[0-9]|20)$', description: 'R1 … R20' });
export const STATUSES = [
  'new',
  'acknowledged',
  'inquiry_sent',
  'response_received',
  'closed_rectified',
  'closed_not_rectified',
  'resolved_by_data',
] as const;
export const Status = lit(STATUSES);
export const Severity = lit(['low', 'medium', 'high'] as const);
export const Band = lit(['yellow', 'orange', 'red'] as const);
const Actor = Text({ minLength: 1, maxLength: 100, description: 'who acts (the signed-in user when there is one)' });
const Version = Type.Integer({ minimum: 1, description: 'the version you read; a change made since is a 409' });

export const ListQuery = Type.Object(
  {
    region: Type.Optional(RegionCode),
    area: Type.Optional(lit(AREAS)),
    rule: Type.Optional(RuleId),
    severity: Type.Optional(Severity),
    band: Type.Optional(Band),
    status: Type.Optional(Status),
    period: Type.Optional(Type.String({ pattern: '^[0-9]{4}(-[0-9A-Za-z]{1,4})?$', maxLength: 16 })),
    subjectType: Type.Optional(Type.String({ pattern: '^[a-z_]{1,32}$' })),
    subjectId: Type.Optional(Text({ minLength: 1, maxLength: 100 })),
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000, default: 1 })),
    pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  },
  { additionalProperties: false },
);
export type ListQuery = Static<typeof ListQuery>;

export const IdParams = Type.Object({ id: Type.String({ pattern: '^[1-9][0-9]{0,17}$' }) }, { additionalProperties: false });
export const RuleParams = Type.Object({ ruleId: RuleId }, { additionalProperties: false });

const WarningSummary = Type.Object({
  id: Type.String(),
  rule_id: Type.String(),
  area: Type.String(),
  region_code: Type.String(),
  subject_type: Type.String(),
  subject_id: Type.String(),
  subject_name: Type.String(),
  period: Type.String(),
  value: Type.String({ description: 'exact decimal string, in `unit`' }),
  unit: Type.String(),
  threshold: Type.String(),
  band: Type.String(),
  severity: Type.String(),
  message_zh: Type.String(),
  message_en: Type.String(),
  status: Type.String(),
  assignee: Type.Union([Type.String(), Type.Null()]),
  version: Type.Integer(),
  first_seen_at: Type.String(),
  last_seen_at: Type.String(),
  resolved_at: Type.Union([Type.String(), Type.Null()]),
  updated_at: Type.String(),
});

export const ListResponse = Type.Object({
  total: Type.Integer(),
  page: Type.Integer(),
  pageSize: Type.Integer(),
  items: Type.Array(WarningSummary),
});

const Json = Type.Unknown();
const Event = Type.Object({
  id: Type.String(),
  at: Type.String(),
  actor: Type.String(),
  kind: Type.String(),
  from_status: Type.Union([Type.String(), Type.Null()]),
  to_status: Type.Union([Type.String(), Type.Null()]),
  comment: Type.Union([Type.String(), Type.Null()]),
  detail: Json,
});

export const WarningResponse = Type.Intersect([
  WarningSummary,
  Type.Object({
    fingerprint: Type.String(),
    evidence: Json,
    params: Json,
    history: Type.Array(Event),
    comments: Type.Array(Event),
    transitions: Type.Array(Type.String(), { description: 'statuses this warning may move to now' }),
  }),
]);

const Cell = Type.Unknown();
export const EvidenceResponse = Type.Object({
  id: Type.String(),
  ruleId: Type.String(),
  ruleSql: Type.String(),
  numbers: Json,
  params: Json,
  sources: Type.Array(
    Type.Object({
      table: Type.String(),
      query: Type.Object({
        sql: Type.String(),
        params: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Null()])),
      }),
      rows: Type.Array(Type.Record(Type.String(), Cell)),
      batches: Type.Array(Type.Record(Type.String(), Cell)),
    }),
  ),
});

export const EvidenceQuery = Type.Object(
  { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })) },
  { additionalProperties: false },
);

export const StatusBody = Type.Object(
  {
    status: Status,
    expectedVersion: Version,
    actor: Type.Optional(Actor),
    comment: Type.Optional(Text({ maxLength: 4000 })),
  },
  { additionalProperties: false },
);
export type StatusBody = Static<typeof StatusBody>;

export const AssignBody = Type.Object(
  {
    assignee: Type.Union([Type.Null(), Text({ minLength: 1, maxLength: 100 })]),
    expectedVersion: Version,
    actor: Type.Optional(Actor),
  },
  { additionalProperties: false },
);

export const CommentBody = Type.Object(
  { text: Text({ minLength: 1, maxLength: 4000 }), actor: Type.Optional(Actor) },
  { additionalProperties: false },
);

export const VersionResponse = Type.Object({ id: Type.String(), version: Type.Integer(), status: Type.Optional(Type.String()) });
export const OkResponse = Type.Object({ ok: Type.Boolean() });

export const RulesQuery = Type.Object(
  { region: Type.Optional(RegionCode), area: Type.Optional(lit(AREAS)) },
  { additionalProperties: false },
);
export const RulesResponse = Type.Array(
  Type.Object({
    id: Type.String(),
    area: Type.String(),
    nameZh: Type.String(),
    nameEn: Type.String(),
    descriptionZh: Type.String(),
    descriptionEn: Type.String(),
    formula: Type.String(),
    unit: Type.String(),
    sqlFile: Type.String(),
    sql: Type.String(),
    params: Type.Array(
      Type.Object({
        name: Type.String(),
        kind: Type.String(),
        default: Type.Union([Type.String(), Type.Null()]),
        value: Type.Union([Type.String(), Type.Null()]),
        overridden: Type.Boolean(),
        zh: Type.String(),
        en: Type.String(),
      }),
    ),
  }),
);

export const ParamsBody = Type.Object(
  {
    region: RegionCode,
    params: Type.Record(Type.String({ pattern: '^[a-z_]{1,40}$' }), Type.Union([Type.Null(), Type.String({ maxLength: 40 })]), {
      description: 'parameter → new value (decimal string or date), or null to go back to the default',
      minProperties: 1,
    }),
    actor: Type.Optional(Actor),
  },
  { additionalProperties: false },
);
export const ParamsResponse = Type.Object({
  changed: Type.Array(
    Type.Object({ name: Type.String(), old: Type.Union([Type.String(), Type.Null()]), new: Type.Union([Type.String(), Type.Null()]) }),
  ),
});

export const ParamHistoryQuery = Type.Object({ region: Type.Optional(RegionCode) }, { additionalProperties: false });
export const ParamHistoryResponse = Type.Array(
  Type.Object({
    id: Type.String(),
    rule_id: Type.String(),
    region_code: Type.String(),
    name: Type.String(),
    old_value: Type.Union([Type.String(), Type.Null()]),
    new_value: Type.Union([Type.String(), Type.Null()]),
    changed_by: Type.String(),
    changed_at: Type.String(),
  }),
);

export const RunBody = Type.Object(
  {
    region: Type.Optional(RegionCode),
    asOf: Type.Optional(Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' })),
    rules: Type.Optional(Type.Array(RuleId, { minItems: 1, maxItems: 20 })),
  },
  { additionalProperties: false },
);
export const RunResponse = Type.Object({
  runId: Type.String(),
  fired: Type.Integer(),
  created: Type.Integer(),
  updated: Type.Integer(),
  unchanged: Type.Integer(),
  reopened: Type.Integer(),
  resolved: Type.Integer(),
  ms: Type.Integer(),
  queryMs: Type.Integer(),
  rules: Type.Array(Type.Object({ id: Type.String(), fired: Type.Integer(), ms: Type.Integer() })),
});
