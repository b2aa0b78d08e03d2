/**
 * Kysely types for the warning tables (sql/pg/002_warnings.sql), added to the generated `DB`
 * with `withTables` so this domain does not wait on a regeneration of server/core/db.types.ts.
 */
import type { ColumnType, Generated, Kysely, Transaction } from 'kysely';
import type { DB } from '../core/db.types.ts';

type Json = ColumnType<unknown, string, string>;
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface WarningRuleTable {
  id: string;
  area: string;
  name_zh: string;
  name_en: string;
  description_zh: string;
  description_en: string;
  formula: string;
  sql_file: string;
  defaults: Json;
  updated_at: Timestamp;
}

export interface WarningRuleParamTable {
  rule_id: string;
  region_code: string;
  name: string;
  value: string;
  updated_by: string;
  updated_at: Timestamp;
}

export interface WarningRuleParamChangeTable {
  id: Generated<string>;
  rule_id: string;
  region_code: string;
  name: string;
  old_value: string | null;
  new_value: string | null;
  changed_by: string;
  changed_at: Timestamp;
}

export interface WarningRunTable {
  id: Generated<string>;
  trigger: string;
  started_at: Timestamp;
  finished_at: Date | null;
  region_code: string | null;
  rules: Json;
  summary: Json;
}

export interface WarningTable {
  id: Generated<string>;
  fingerprint: string;
  rule_id: string;
  area: string;
  region_code: string;
  subject_type: string;
  subject_id: string;
  subject_name: string;
  period: string;
  value: string;
  unit: string;
  threshold: string;
  band: string;
  severity: string;
  message_zh: string;
  message_en: string;
  evidence: Json;
  params: Json;
  status: ColumnType<string, string | undefined, string>;
  assignee: string | null;
  version: ColumnType<number, number | undefined, number>;
  first_run_id: string;
  last_run_id: string;
  first_seen_at: Timestamp;
  last_seen_at: Timestamp;
  resolved_at: Date | null;
  updated_at: Timestamp;
}

export interface WarningEventTable {
  id: Generated<string>;
  warning_id: string;
  at: Timestamp;
  actor: string;
  kind: string;
  from_status: string | null;
  to_status: string | null;
  comment: string | null;
  detail: ColumnType<unknown, string | undefined, string>;
  run_id: string | null;
}

// A type alias, not an interface: `withTables` needs an index-signature-compatible type.
export type WarningTables = {
  warning_rule: WarningRuleTable;
  warning_rule_param: WarningRuleParamTable;
  warning_rule_param_change: WarningRuleParamChangeTable;
  warning_run: WarningRunTable;
  warning: WarningTable;
  warning_event: WarningEventTable;
};

export type WarningsDb = Kysely<DB & WarningTables> | Transaction<DB & WarningTables>;

export function warningsDb(db: Kysely<DB> | Transaction<DB>): Kysely<DB & WarningTables> {
  return db.withTables<WarningTables>();
}
