/**
 * The warning engine and the tracking workflow.
 *
 * A run: for every rule, bind its parameters (defaults, overridden per region) into its SQL
 * (sql/rules), run it on DuckDB, turn each row into a warning with an exact value, a band, a
 * sentence in Chinese and English and its evidence, then write all of them to Postgres in one
 * transaction keyed by fingerprint (rule + region + subject + period): reruns update, never
 * duplicate, and open warnings that no longer fire are marked resolved_by_data.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { AppContext } from '../core/context.ts';
import type { PgTx } from '../core/pg.ts';
import { SQL_DIR } from '../core/migrate.ts';
import { badRequest, conflict, notFound } from '../core/errors.ts';
import { divide } from './decimal.ts';
import { RULES, findRule, checkParamValue, type RuleDef, type Unit } from './rules.ts';
import { buildEvidenceBatches, buildEvidenceRows, buildRuleQuery } from './warnings.queries.ts';
import { recurringWarnings, type RecurringPair, type RuleRow } from './recurring.service.ts';
import * as repo from './warnings.repository.ts';
import type { AuditAction } from '../auth/audit-actions.ts';
import { processActing, recordAudit, type Acting } from '../auth/audit-trail.repository.ts';

type Ctx = Pick<AppContext, 'pg' | 'duck'>;

const sqlCache = new Map<string, string>();
export function ruleSql(rule: RuleDef): string {
  let s = sqlCache.get(rule.file);
  if (s === undefined) {
    s = fs.readFileSync(path.join(SQL_DIR, 'rules', rule.file), 'utf8');
    sqlCache.set(rule.file, s);
  }
  return s;
}

export const SEVERITY_OF_BAND: Record<string, 'low' | 'medium' | 'high'> = { yellow: 'low', orange: 'medium', red: 'high' };

/** sha1 of rule + region + subject + period: the identity of a warning across runs. */
export function fingerprint(ruleId: string, region: string, subjectType: string, subjectId: string, period: string): string {
  return crypto.createHash('sha1').update([ruleId, region, subjectType, subjectId, period].join('\u001f')).digest('hex');
}

/** The measured value shown to users, exact (DOMAIN.md formulas are ratios; shown in % or pp). */
export function measuredValue(unit: Unit, num: string, den: string): string {
  switch (unit) {
    case 'percent':
    case 'pp':
      return divide(num, den, 100, 2);
    case 'yuan':
      return divide(num, den, 1, 2);
    case 'days':
    case 'count':
      return divide(num, den, 1, 0);
  }
}

const UNIT_ZH: Record<Unit, string> = { percent: '%', pp: '个百分点', yuan: '元', days: '天', count: '年' };
const UNIT_EN: Record<Unit, string> = { percent: ' %', pp: ' pp', yuan: ' yuan', days: ' days', count: ' years' };
const BAND_ZH: Record<string, string> = { yellow: '黄色', orange: '橙色', red: '红色' };

export function sentences(rule: RuleDef, row: { subject_name: string; period: string; band: string; threshold: string }, value: string) {
  const above = rule.direction === 'above';
  const zh = `${row.subject_name}（${row.period}）${rule.metricZh}为${value}${UNIT_ZH[rule.unit]}，${above ? '超过' : '低于'}预警阈值${row.threshold}${UNIT_ZH[rule.unit]}，触发“${rule.nameZh}”${BAND_ZH[row.band] ?? ''}预警。`;
  const en = `${row.subject_name} (${row.period}): ${rule.metricEn} is ${value}${UNIT_EN[rule.unit]}, ${above ? 'above' : 'below'} the threshold of ${row.threshold}${UNIT_EN[rule.unit]} — ${row.band} warning "${rule.nameEn}".`;
  return { zh, en };
}

export interface RunOptions {
  trigger?: 'cli' | 'api' | 'load' | 'test';
  /** Run for one region only (its warnings elsewhere are left alone). */
  region?: string;
  /** Overrides the as_of parameter of every in-year rule. */
  asOf?: string;
  /** Only these rules. */
  rules?: string[];
  /** Who started the run, for the audit trail; this process's user when absent (CLI, after a load). */
  by?: Acting;
}

export interface RunSummary extends repo.PersistCounts {
  runId: string;
  rules: { id: string; fired: number; ms: number }[];
  ms: number;
  queryMs: number;
}

/** Effective parameters per region: defaults, then that region's overrides. */
async function overridesByRule(ctx: Ctx): Promise<Map<string, Map<string, Record<string, string>>>> {
  const out = new Map<string, Map<string, Record<string, string>>>();
  for (const o of await repo.listOverrides(ctx.pg.db)) {
    const byRegion = out.get(o.rule_id) ?? new Map<string, Record<string, string>>();
    const p = byRegion.get(o.region_code) ?? {};
    p[o.name] = o.value;
    byRegion.set(o.region_code, p);
    out.set(o.rule_id, byRegion);
  }
  return out;
}

function defaults(rule: RuleDef): Record<string, string | null> {
  return Object.fromEntries(rule.params.map((p) => [p.name, p.default]));
}

async function evaluateRule(
  ctx: Ctx,
  rule: RuleDef,
  values: Record<string, string | null>,
  scope: { include?: string[]; exclude?: string[] },
): Promise<RuleRow[]> {
  const q = buildRuleQuery(ruleSql(rule), values, scope);
  if (rule.engine === 'recurring') {
    const pairs = await ctx.duck.all<RecurringPair>(q.sql, q.params);
    const d = defaults(rule);
    return recurringWarnings(pairs, {
      minYears: Number(values.min_years ?? d.min_years),
      similarity: Number(values.similarity ?? d.similarity),
    });
  }
  return ctx.duck.all<RuleRow>(q.sql, q.params);
}

export async function runWarnings(ctx: Ctx, opts: RunOptions = {}): Promise<RunSummary> {
  const t0 = performance.now();
  const rules = opts.rules ? opts.rules.map((id) => findRule(id) ?? failBadRule(id)) : [...RULES];
  if (opts.region !== undefined && !/^\d{6}$/.test(opts.region)) throw badRequest('region must be a 6-digit code');
  if (opts.asOf !== undefined && checkParamValue({ name: 'asOf', kind: 'date', default: null, zh: '', en: '' }, opts.asOf))
    throw badRequest('asOf must be a date YYYY-MM-DD');
  try {
    return await evaluateAndPersist(ctx, opts, rules, t0);
  } catch (err) {
    // A run that failed (a rule's SQL, the database) is recorded too, if Postgres still takes a row.
    const by = opts.by ?? processActing();
    await ctx.pg
      .transaction((tx) =>
        recordAudit(tx, {
          action: 'warning.run',
          outcome: 'failure',
          actor: by.actor,
          ip: by.ip,
          objectType: 'warning_run',
          detail: {
            trigger: opts.trigger ?? 'cli',
            region: opts.region ?? null,
            error: String((err as Error)?.message ?? err).slice(0, 300),
          },
        }),
      )
      .catch(() => undefined);
    throw err;
  }
}

async function evaluateAndPersist(ctx: Ctx, opts: RunOptions, rules: RuleDef[], t0: number): Promise<RunSummary> {
  await repo.syncRules(ctx.pg.db, RULES);
  const overrides = await overridesByRule(ctx);

  const drafts: repo.WarningDraft[] = [];
  const perRule: RunSummary['rules'] = [];
  for (const rule of rules) {
    const t = performance.now();
    const base = defaults(rule);
    if (opts.asOf && 'as_of' in base) base.as_of = opts.asOf;
    const byRegion = overrides.get(rule.id) ?? new Map<string, Record<string, string>>();
    // One query for every region on the defaults, one per region with its own parameters.
    const groups: { values: Record<string, string | null>; scope: { include?: string[]; exclude?: string[] } }[] = [];
    if (opts.region) {
      groups.push({ values: { ...base, ...(byRegion.get(opts.region) ?? {}) }, scope: { include: [opts.region] } });
    } else {
      groups.push({ values: base, scope: { exclude: [...byRegion.keys()] } });
      for (const [region, p] of byRegion)
        groups.push({
          values: { ...base, ...p, ...(opts.asOf && 'as_of' in base ? { as_of: opts.asOf } : {}) },
          scope: { include: [region] },
        });
    }
    let fired = 0;
    for (const g of groups) {
      const rows = await evaluateRule(ctx, rule, g.values, g.scope);
      for (const row of rows) drafts.push(toDraft(rule, row, g.values));
      fired += rows.length;
    }
    perRule.push({ id: rule.id, fired, ms: Math.round(performance.now() - t) });
  }
  const queryMs = Math.round(performance.now() - t0);

  const summary = await ctx.pg.transaction(async (tx) => {
    const runId = await repo.startRun(
      tx.db,
      opts.trigger ?? 'cli',
      opts.region ?? null,
      rules.map((r) => r.id),
    );
    const counts = await repo.persistRun(tx.db, runId, dedupe(drafts), { ruleIds: rules.map((r) => r.id), region: opts.region });
    const s: RunSummary = { runId, ...counts, rules: perRule, ms: Math.round(performance.now() - t0), queryMs };
    await repo.finishRun(tx.db, runId, s);
    const by = opts.by ?? processActing();
    await recordAudit(tx, {
      action: 'warning.run',
      outcome: 'success',
      actor: by.actor,
      ip: by.ip,
      objectType: 'warning_run',
      objectId: runId,
      detail: {
        trigger: opts.trigger ?? 'cli',
        region: opts.region ?? null,
        rules: rules.length,
        fired: counts.fired,
        created: counts.created,
        reopened: counts.reopened,
        resolved: counts.resolved,
      },
    });
    return s;
  });
  return summary;
}

function failBadRule(id: string): never {
  throw badRequest(`unknown rule ${id}`);
}

/** Two rows with one fingerprint (a subject listed twice in a source): keep the first. */
function dedupe(drafts: repo.WarningDraft[]): repo.WarningDraft[] {
  const seen = new Set<string>();
  return drafts.filter((d) => (seen.has(d.fingerprint) ? false : (seen.add(d.fingerprint), true)));
}

function toDraft(rule: RuleDef, row: RuleRow, values: Record<string, string | null>): repo.WarningDraft {
  const unit = row.unit && row.unit in UNIT_ZH ? (row.unit as Unit) : rule.unit;
  const value = measuredValue(unit, String(row.num), String(row.den));
  const region = String(row.region_code);
  const evidence = { ...(JSON.parse(row.evidence) as Record<string, unknown>), numerator: String(row.num), denominator: String(row.den) };
  const text = sentences({ ...rule, unit }, row, value);
  return {
    fingerprint: fingerprint(rule.id, region, row.subject_type, row.subject_id, row.period),
    rule_id: rule.id,
    area: rule.area,
    region_code: region,
    subject_type: row.subject_type,
    subject_id: row.subject_id,
    subject_name: row.subject_name,
    period: row.period,
    value,
    unit,
    threshold: String(row.threshold),
    band: row.band,
    severity: SEVERITY_OF_BAND[row.band] ?? 'low',
    message_zh: text.zh,
    message_en: text.en,
    evidence,
    params: values,
  };
}

// ── Tracking to closure ─────────────────────────────────────────────────────

export type Status =
  'new' | 'acknowledged' | 'inquiry_sent' | 'response_received' | 'closed_rectified' | 'closed_not_rectified' | 'resolved_by_data';

/** The workflow (GAO-style open → closed-implemented / closed-not-implemented, with 询问). */
export const TRANSITIONS: Record<Status, readonly Status[]> = {
  new: ['acknowledged', 'inquiry_sent'],
  acknowledged: ['inquiry_sent', 'closed_rectified', 'closed_not_rectified'],
  inquiry_sent: ['response_received'],
  response_received: ['inquiry_sent', 'closed_rectified', 'closed_not_rectified'],
  resolved_by_data: ['acknowledged', 'closed_rectified', 'closed_not_rectified'],
  closed_rectified: [],
  closed_not_rectified: [],
};

export async function changeStatus(
  ctx: Ctx,
  id: string,
  input: { to: Status; expectedVersion: number; by: Acting; comment?: string },
): Promise<{ version: number; status: Status }> {
  if (input.to === 'resolved_by_data')
    throw badRequest(
      'resolved_by_data is set by the engine when the data no longer shows the problem; it cannot be chosen',
      'invalid_status',
    );
  return ctx.pg.transaction(async (tx) => {
    const cur = await repo.lockWarning(tx.db, id);
    if (!cur) throw notFound(`no warning ${id}`);
    if (cur.version !== input.expectedVersion)
      throw conflict(
        `warning ${id} was changed by someone else (version ${cur.version}, you sent ${input.expectedVersion}); reload it and try again`,
        'version_conflict',
      );
    const from = cur.status as Status;
    if (!TRANSITIONS[from].includes(input.to)) {
      const allowed = TRANSITIONS[from];
      throw conflict(
        `cannot move a warning from ${from} to ${input.to}; allowed: ${allowed.length ? allowed.join(', ') : 'none (closed)'}`,
        'invalid_transition',
      );
    }
    const version = await repo.updateIfVersion(tx.db, id, input.expectedVersion, { status: input.to });
    if (version === undefined) throw conflict(`warning ${id} was changed by someone else; reload it and try again`, 'version_conflict');
    await repo.addEvent(tx.db, {
      warning_id: id,
      actor: actorName(input.by),
      kind: 'status',
      from_status: from,
      to_status: input.to,
      comment: input.comment ?? null,
    });
    await auditChange(tx, input.by, 'warning.status', id, { from, to: input.to, version });
    return { version, status: input.to };
  });
}

export async function assign(
  ctx: Ctx,
  id: string,
  input: { assignee: string | null; expectedVersion: number; by: Acting },
): Promise<{ version: number }> {
  return ctx.pg.transaction(async (tx) => {
    const cur = await repo.lockWarning(tx.db, id);
    if (!cur) throw notFound(`no warning ${id}`);
    if (cur.version !== input.expectedVersion)
      throw conflict(
        `warning ${id} was changed by someone else (version ${cur.version}, you sent ${input.expectedVersion}); reload it and try again`,
        'version_conflict',
      );
    const version = await repo.updateIfVersion(tx.db, id, input.expectedVersion, { assignee: input.assignee });
    if (version === undefined) throw conflict(`warning ${id} was changed by someone else; reload it and try again`, 'version_conflict');
    await repo.addEvent(tx.db, {
      warning_id: id,
      actor: actorName(input.by),
      kind: 'assigned',
      detail: { from: cur.assignee, to: input.assignee },
    });
    await auditChange(tx, input.by, 'warning.assignee', id, { from: cur.assignee, to: input.assignee, version });
    return { version };
  });
}

/** Comments are appended (never edited), so concurrent comments cannot overwrite each other. */
export async function addComment(ctx: Ctx, id: string, input: { by: Acting; text: string }): Promise<void> {
  await ctx.pg.transaction(async (tx) => {
    if (!(await repo.warningExists(tx.db, id))) throw notFound(`no warning ${id}`);
    await repo.addEvent(tx.db, { warning_id: id, actor: actorName(input.by), kind: 'comment', comment: input.text });
    await auditChange(tx, input.by, 'warning.comment', id, { chars: input.text.length });
  });
}

/** The name a warning's history shows for who acted. */
function actorName(by: Acting): string {
  return by.actor.username ?? 'system';
}

/** The audit-trail row of a warning change, in the change's own transaction. */
function auditChange(tx: PgTx, by: Acting, action: AuditAction, warningId: string, detail: Record<string, unknown>) {
  return recordAudit(tx, { action, outcome: 'success', actor: by.actor, ip: by.ip, objectType: 'warning', objectId: warningId, detail });
}

// ── Evidence ────────────────────────────────────────────────────────────────

export async function evidence(ctx: Ctx, id: string, limit = 100) {
  const wr = await repo.getWarning(ctx.pg.db, id);
  if (!wr) throw notFound(`no warning ${id}`);
  const rule = findRule(wr.rule_id);
  if (!rule) throw notFound(`rule ${wr.rule_id} no longer exists`);
  const ev = (wr.evidence ?? {}) as Record<string, unknown>;
  const sources = rule.sources({
    regionCode: wr.region_code,
    subjectType: wr.subject_type,
    subjectId: wr.subject_id,
    period: wr.period,
    evidence: ev,
  });
  const out = [];
  for (const src of sources) {
    const rows = buildEvidenceRows(src, limit);
    const batches = buildEvidenceBatches(src);
    out.push({
      table: src.table,
      query: { sql: rows.sql, params: jsonParams(rows.params) },
      rows: await ctx.duck.all<Record<string, unknown>>(rows.sql, rows.params),
      batches: await ctx.duck.all<Record<string, unknown>>(batches.sql, batches.params),
    });
  }
  return {
    id: wr.id,
    ruleId: wr.rule_id,
    numbers: ev,
    ruleSql: `sql/rules/${rule.file}`,
    params: wr.params as Record<string, string | null>,
    sources: out,
  };
}

function jsonParams(p: Record<string, unknown>): Record<string, string | number | null> {
  return Object.fromEntries(
    Object.entries(p).map(([k, v]) => [k, typeof v === 'number' || typeof v === 'string' || v === null ? v : String(v)]),
  );
}

// ── Rules and their parameters ─────────────────────────────────────────────

export async function listRules(ctx: Ctx, region?: string) {
  const overrides = region ? await repo.listOverrides(ctx.pg.db, { region }) : [];
  return RULES.map((r) => ({
    id: r.id,
    area: r.area,
    nameZh: r.nameZh,
    nameEn: r.nameEn,
    descriptionZh: r.descriptionZh,
    descriptionEn: r.descriptionEn,
    formula: r.formula,
    unit: r.unit,
    sqlFile: `sql/rules/${r.file}`,
    sql: ruleSql(r),
    params: r.params.map((p) => {
      const o = overrides.find((x) => x.rule_id === r.id && x.name === p.name);
      return { name: p.name, kind: p.kind, default: p.default, value: o ? o.value : p.default, overridden: !!o, zh: p.zh, en: p.en };
    }),
  }));
}

export async function setRuleParams(
  ctx: Ctx,
  ruleId: string,
  input: { region: string; params: Record<string, string | null>; by: Acting },
) {
  const rule = findRule(ruleId);
  if (!rule) throw notFound(`no rule ${ruleId}`);
  for (const [name, value] of Object.entries(input.params)) {
    const p = rule.params.find((x) => x.name === name);
    if (!p) throw badRequest(`rule ${ruleId} has no parameter ${name}; it has ${rule.params.map((x) => x.name).join(', ')}`);
    if (value !== null) {
      const err = checkParamValue(p, value);
      if (err) throw badRequest(err);
    }
  }
  await repo.syncRules(ctx.pg.db, RULES);
  return ctx.pg.transaction(async (tx) => {
    const changed = await repo.setOverrides(tx.db, ruleId, input.region, input.params, actorName(input.by));
    if (changed.length)
      await recordAudit(tx, {
        action: 'rule.params',
        outcome: 'success',
        actor: input.by.actor,
        ip: input.by.ip,
        objectType: 'warning_rule',
        objectId: ruleId,
        detail: { region: input.region, changed },
      });
    return changed;
  });
}

/** One rule's warnings on the current data, without writing anything (tests, "what if" checks). */
export async function previewRule(
  ctx: Pick<AppContext, 'duck'>,
  ruleId: string,
  params: Record<string, string | null> = {},
): Promise<repo.WarningDraft[]> {
  const rule = findRule(ruleId) ?? failBadRule(ruleId);
  const values = { ...defaults(rule), ...params };
  const rows = await evaluateRule(ctx as Ctx, rule, values, {});
  return rows.map((r) => toDraft(rule, r, values));
}
