/**
 * All Postgres SQL of the warnings domain: the rule mirror and its per-region parameters, runs,
 * warnings and their history. Functions take a Kysely bound to a transaction where atomicity
 * matters (the caller opens it with `pg.transaction`).
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../core/db.types.ts';
import { warningsDb, type WarningTables } from './warnings.db.ts';
import type { RuleDef } from './rules.ts';

type Db = Kysely<DB> | Transaction<DB>;
const w = (db: Db) => warningsDb(db) as Kysely<DB & WarningTables>;

export const OPEN_STATUSES = ['new', 'acknowledged', 'inquiry_sent', 'response_received'] as const;

export async function syncRules(db: Db, rules: readonly RuleDef[]): Promise<void> {
  const rows = rules.map((r) => ({
    id: r.id,
    area: r.area,
    name_zh: r.nameZh,
    name_en: r.nameEn,
    description_zh: r.descriptionZh,
    description_en: r.descriptionEn,
    formula: r.formula,
    sql_file: `sql/rules/${r.file}`,
    defaults: JSON.stringify(Object.fromEntries(r.params.map((p) => [p.name, p.default]))),
  }));
  await w(db)
    .insertInto('warning_rule')
    .values(rows)
    .onConflict((oc) =>
      oc.column('id').doUpdateSet((eb) => ({
        area: eb.ref('excluded.area'),
        name_zh: eb.ref('excluded.name_zh'),
        name_en: eb.ref('excluded.name_en'),
        description_zh: eb.ref('excluded.description_zh'),
        description_en: eb.ref('excluded.description_en'),
        formula: eb.ref('excluded.formula'),
        sql_file: eb.ref('excluded.sql_file'),
        defaults: eb.ref('excluded.defaults'),
        updated_at: sql`now()`,
      })),
    )
    .execute();
}

export interface ParamOverride {
  rule_id: string;
  region_code: string;
  name: string;
  value: string;
  updated_by: string;
  updated_at: Date;
}

export async function listOverrides(db: Db, filter: { ruleId?: string; region?: string } = {}): Promise<ParamOverride[]> {
  let q = w(db).selectFrom('warning_rule_param').selectAll();
  if (filter.ruleId) q = q.where('rule_id', '=', filter.ruleId);
  if (filter.region) q = q.where('region_code', '=', filter.region);
  return q.orderBy('rule_id').orderBy('region_code').orderBy('name').execute();
}

/**
 * Sets (value) or resets (null) parameters of one rule for one region and records each change.
 * Rows are locked first so two admins editing at once each see the other's old value.
 */
export async function setOverrides(
  tx: Db,
  ruleId: string,
  region: string,
  changes: Record<string, string | null>,
  actor: string,
): Promise<{ name: string; old: string | null; new: string | null }[]> {
  const db = w(tx);
  const current = await db
    .selectFrom('warning_rule_param')
    .select(['name', 'value'])
    .where('rule_id', '=', ruleId)
    .where('region_code', '=', region)
    .forUpdate()
    .execute();
  const before = new Map(current.map((r) => [r.name, r.value]));
  const changed: { name: string; old: string | null; new: string | null }[] = [];
  for (const [name, value] of Object.entries(changes)) {
    const old = before.get(name) ?? null;
    if (old === value) continue;
    if (value === null) {
      await db
        .deleteFrom('warning_rule_param')
        .where('rule_id', '=', ruleId)
        .where('region_code', '=', region)
        .where('name', '=', name)
        .execute();
    } else {
      await db
        .insertInto('warning_rule_param')
        .values({ rule_id: ruleId, region_code: region, name, value, updated_by: actor })
        .onConflict((oc) =>
          oc.columns(['rule_id', 'region_code', 'name']).doUpdateSet({ value, updated_by: actor, updated_at: sql`now()` }),
        )
        .execute();
    }
    await db
      .insertInto('warning_rule_param_change')
      .values({ rule_id: ruleId, region_code: region, name, old_value: old, new_value: value, changed_by: actor })
      .execute();
    changed.push({ name, old, new: value });
  }
  return changed;
}

export async function paramHistory(db: Db, ruleId: string, region?: string) {
  let q = w(db).selectFrom('warning_rule_param_change').selectAll().where('rule_id', '=', ruleId);
  if (region) q = q.where('region_code', '=', region);
  return q.orderBy('id', 'desc').limit(500).execute();
}

export async function startRun(db: Db, trigger: string, region: string | null, ruleIds: string[]): Promise<string> {
  const r = await w(db)
    .insertInto('warning_run')
    .values({ trigger, region_code: region, rules: JSON.stringify(ruleIds), summary: '{}' })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

export async function finishRun(db: Db, id: string, summary: unknown): Promise<void> {
  await w(db)
    .updateTable('warning_run')
    .set({ finished_at: sql`now()`, summary: JSON.stringify(summary) })
    .where('id', '=', id)
    .execute();
}

/** A warning as the engine computed it. */
export interface WarningDraft {
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
  evidence: Record<string, unknown>;
  params: Record<string, string | null>;
}

export interface PersistCounts {
  fired: number;
  created: number;
  updated: number;
  unchanged: number;
  reopened: number;
  resolved: number;
}

/** Stable JSON (sorted keys) so that jsonb's reordering does not look like a change. */
export function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/**
 * Writes one run's results: new warnings are inserted, known ones (same fingerprint) updated in
 * place, and open warnings of the rules and region in scope that did not fire again are marked
 * resolved_by_data. History keeps every step. Must run inside one transaction.
 */
export async function persistRun(
  tx: Db,
  runId: string,
  drafts: WarningDraft[],
  scope: { ruleIds: string[]; region?: string },
): Promise<PersistCounts> {
  const db = w(tx);
  const counts: PersistCounts = { fired: drafts.length, created: 0, updated: 0, unchanged: 0, reopened: 0, resolved: 0 };
  if (scope.ruleIds.length === 0) return counts;
  let q = db
    .selectFrom('warning')
    .select(['id', 'fingerprint', 'status', 'value', 'band', 'threshold', 'subject_name', 'evidence', 'params'])
    .where('rule_id', 'in', scope.ruleIds);
  if (scope.region) q = q.where('region_code', '=', scope.region);
  const existing = new Map((await q.execute()).map((r) => [r.fingerprint, r]));

  const toInsert: WarningDraft[] = [];
  const seen: string[] = [];
  const events: {
    warning_id: string;
    actor: string;
    kind: string;
    from_status: string | null;
    to_status: string | null;
    detail: string;
    run_id: string;
  }[] = [];
  for (const d of drafts) {
    const e = existing.get(d.fingerprint);
    if (!e) {
      toInsert.push(d);
      continue;
    }
    existing.delete(d.fingerprint);
    seen.push(e.id);
    const reopen = e.status === 'resolved_by_data';
    const changed =
      e.value !== d.value ||
      e.band !== d.band ||
      e.threshold !== d.threshold ||
      e.subject_name !== d.subject_name ||
      stableJson(e.evidence) !== stableJson(d.evidence) ||
      stableJson(e.params) !== stableJson(d.params);
    if (!changed && !reopen) {
      counts.unchanged++;
      continue;
    }
    await db
      .updateTable('warning')
      .set({
        value: d.value,
        threshold: d.threshold,
        band: d.band,
        severity: d.severity,
        subject_name: d.subject_name,
        message_zh: d.message_zh,
        message_en: d.message_en,
        evidence: JSON.stringify(d.evidence),
        params: JSON.stringify(d.params),
        updated_at: sql`now()`,
        ...(reopen ? { status: 'new', resolved_at: null, version: sql`version + 1` } : {}),
      })
      .where('id', '=', e.id)
      .execute();
    if (reopen) {
      counts.reopened++;
      events.push({
        warning_id: e.id,
        actor: 'engine',
        kind: 'reopened',
        from_status: e.status,
        to_status: 'new',
        detail: JSON.stringify({ value: d.value, band: d.band }),
        run_id: runId,
      });
    } else {
      counts.updated++;
      events.push({
        warning_id: e.id,
        actor: 'engine',
        kind: 'updated',
        from_status: null,
        to_status: null,
        detail: JSON.stringify({
          old: { value: e.value, band: e.band, threshold: e.threshold },
          new: { value: d.value, band: d.band, threshold: d.threshold },
        }),
        run_id: runId,
      });
    }
  }
  for (let i = 0; i < seen.length; i += 5000) {
    await db
      .updateTable('warning')
      .set({ last_run_id: runId, last_seen_at: sql`now()` })
      .where('id', 'in', seen.slice(i, i + 5000))
      .execute();
  }
  for (let i = 0; i < toInsert.length; i += 500) {
    const chunk = toInsert.slice(i, i + 500);
    const ids = await db
      .insertInto('warning')
      .values(
        chunk.map((d) => ({
          ...d,
          evidence: JSON.stringify(d.evidence),
          params: JSON.stringify(d.params),
          first_run_id: runId,
          last_run_id: runId,
        })),
      )
      .returning(['id', 'value', 'band'])
      .execute();
    counts.created += ids.length;
    for (const r of ids)
      events.push({
        warning_id: r.id,
        actor: 'engine',
        kind: 'created',
        from_status: null,
        to_status: 'new',
        detail: JSON.stringify({ value: r.value, band: r.band }),
        run_id: runId,
      });
  }
  // Whatever did not fire again and is still open: the data no longer shows the problem.
  const gone = [...existing.values()].filter((e) => (OPEN_STATUSES as readonly string[]).includes(e.status));
  for (let i = 0; i < gone.length; i += 5000) {
    const chunk = gone.slice(i, i + 5000);
    await db
      .updateTable('warning')
      .set({ status: 'resolved_by_data', resolved_at: sql`now()`, updated_at: sql`now()`, version: sql`version + 1` })
      .where(
        'id',
        'in',
        chunk.map((e) => e.id),
      )
      .execute();
    for (const e of chunk)
      events.push({
        warning_id: e.id,
        actor: 'engine',
        kind: 'resolved_by_data',
        from_status: e.status,
        to_status: 'resolved_by_data',
        detail: '{}',
        run_id: runId,
      });
  }
  counts.resolved = gone.length;
  for (let i = 0; i < events.length; i += 1000)
    await db
      .insertInto('warning_event')
      .values(events.slice(i, i + 1000))
      .execute();
  return counts;
}

export interface WarningFilter {
  region?: string;
  regions?: string[];
  area?: string;
  rule?: string;
  severity?: string;
  band?: string;
  status?: string;
  period?: string;
  subjectType?: string;
  subjectId?: string;
  page: number;
  pageSize: number;
}

const LIST_COLUMNS = [
  'id',
  'rule_id',
  'area',
  'region_code',
  'subject_type',
  'subject_id',
  'subject_name',
  'period',
  'value',
  'unit',
  'threshold',
  'band',
  'severity',
  'message_zh',
  'message_en',
  'status',
  'assignee',
  'version',
  'first_seen_at',
  'last_seen_at',
  'resolved_at',
  'updated_at',
] as const;

export async function listWarnings(db: Db, f: WarningFilter) {
  let q = w(db).selectFrom('warning');
  if (f.region) q = q.where('region_code', '=', f.region);
  if (f.regions) q = q.where('region_code', 'in', f.regions.length ? f.regions : ['']);
  if (f.area) q = q.where('area', '=', f.area);
  if (f.rule) q = q.where('rule_id', '=', f.rule);
  if (f.severity) q = q.where('severity', '=', f.severity);
  if (f.band) q = q.where('band', '=', f.band);
  if (f.status) q = q.where('status', '=', f.status);
  if (f.period) q = q.where('period', '=', f.period);
  if (f.subjectType) q = q.where('subject_type', '=', f.subjectType);
  if (f.subjectId) q = q.where('subject_id', '=', f.subjectId);
  const total = await q.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  const items = await q
    .select([...LIST_COLUMNS])
    .orderBy(sql`CASE severity WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END`)
    .orderBy('rule_id')
    .orderBy('id')
    .limit(f.pageSize)
    .offset((f.page - 1) * f.pageSize)
    .execute();
  return { total: Number(total.n), items };
}

export async function getWarning(db: Db, id: string) {
  return w(db)
    .selectFrom('warning')
    .select([...LIST_COLUMNS, 'fingerprint', 'evidence', 'params', 'first_run_id', 'last_run_id'])
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function warningEvents(db: Db, id: string) {
  return w(db).selectFrom('warning_event').selectAll().where('warning_id', '=', id).orderBy('id').execute();
}

export async function lockWarning(tx: Db, id: string) {
  return w(tx)
    .selectFrom('warning')
    .select(['id', 'status', 'version', 'assignee', 'region_code'])
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

/** Applies a change only if the row is still at `expectedVersion`; returns false otherwise. */
export async function updateIfVersion(
  tx: Db,
  id: string,
  expectedVersion: number,
  set: { status?: string; assignee?: string | null },
): Promise<number | undefined> {
  const r = await w(tx)
    .updateTable('warning')
    .set({ ...set, version: sql`version + 1`, updated_at: sql`now()` })
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .returning('version')
    .executeTakeFirst();
  return r?.version;
}

export async function addEvent(
  db: Db,
  e: {
    warning_id: string;
    actor: string;
    kind: string;
    from_status?: string | null;
    to_status?: string | null;
    comment?: string | null;
    detail?: unknown;
  },
): Promise<void> {
  await w(db)
    .insertInto('warning_event')
    .values({
      warning_id: e.warning_id,
      actor: e.actor,
      kind: e.kind,
      from_status: e.from_status ?? null,
      to_status: e.to_status ?? null,
      comment: e.comment ?? null,
      detail: JSON.stringify(e.detail ?? {}),
      run_id: null,
    })
    .execute();
}

export async function warningExists(db: Db, id: string): Promise<boolean> {
  return !!(await w(db).selectFrom('warning').select('id').where('id', '=', id).executeTakeFirst());
}
