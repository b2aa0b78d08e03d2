/**
 * Atomic, idempotent loading. One source file = one batch:
 *   1. sha256 of the bytes: the same bytes already loaded ⇒ nothing to do.
 *   2. parse + validate + stage (normalised CSV under dataDir/stage).
 *   3. Postgres, ONE transaction: load_batch row (committed), the replaced batch retired, rows
 *      COPYed (facts) or upserted (reference data), reconciliation counted, commit.
 *   4. DuckDB, ONE transaction: the replaced batch's rows out, this batch's rows in (read_csv of
 *      the stage), counted; then the batch is marked published in Postgres.
 * Killed anywhere, a batch is either wholly in Postgres or not at all, and wholly in DuckDB or
 * not at all; `recover()` (run whenever the ETL opens) publishes committed batches and removes
 * DuckDB rows of batches Postgres does not have.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../server/core/config.ts';
import type { Duck } from '../server/core/duck.ts';
import { quoteIdent, type PgTx, type Postgres } from '../server/core/pg.ts';
import { parseSource, peekKind, type ParseResult } from './parse.ts';
import { emptyReport, makeReject, MAX_LISTED_REJECTS, type FileReport, type Reject } from './report.ts';
import { fenToString } from './normalise.ts';
import { allTableInfos, loadedTables, tableInfo, type TableInfo } from './tables.ts';
import { addRef, emptyRefs, type RefSets } from './validate.ts';
import { reconcileLines } from './reconcile.ts';
import { processActing, recordAudit, type Acting } from '../server/auth/audit-trail.repository.ts';

export interface EtlContext {
  pg: Postgres;
  duck: Duck;
  config: Config;
  /** Who loads, for the audit trail (one data.load row per file); this process's user when absent. */
  by?: Acting;
}

export type ProgressFn = (p: { file: string; phase: 'hash' | 'parse' | 'postgres' | 'duckdb'; done: number; total: number }) => void;

export interface LoadOptions {
  kind?: string | undefined;
  acceptPartial?: boolean | undefined;
  onProgress?: ProgressFn | undefined;
}

const LOAD_LOCK = 727_001; // advisory lock: one loader at a time per database

export function stageDir(config: Config): string {
  return path.join(config.dataDir, 'stage');
}

function stagePathFor(config: Config, batchId: number): string {
  return path.join(stageDir(config), `batch-${batchId}.csv`);
}

/** "支付明细 2026 .CSV" → "支付明细2026.csv": the identity of a source across corrections. */
export function normaliseFileName(file: string): string {
  return path.basename(file).normalize('NFKC').replace(/\s+/g, '').toLowerCase();
}

async function sha256(file: string, onBytes?: (n: number) => void): Promise<{ hash: string; bytes: number }> {
  const h = crypto.createHash('sha256');
  let bytes = 0;
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 4 << 20 }) as AsyncIterable<Buffer>) {
    h.update(chunk);
    bytes += chunk.length;
    onBytes?.(bytes);
  }
  return { hash: h.digest('hex'), bytes };
}

/** Reference codes from Postgres (what earlier files of the same load committed is included). */
export async function loadRefs(pg: Postgres): Promise<RefSets> {
  const refs = emptyRefs();
  await pg.withConnection(async (tx) => {
    for (const r of (await tx.query<{ c: string }>(`SELECT code AS c FROM region`)).rows) refs.region.add(r.c);
    for (const r of (await tx.query<{ c: string }>(`SELECT code AS c FROM function_class`)).rows) refs.function_class.add(r.c);
    for (const r of (await tx.query<{ c: string }>(`SELECT code AS c FROM economic_class`)).rows) refs.economic_class.add(r.c);
    const depts = await tx.query<{ r: string; c: string; n: string }>(`SELECT region_code AS r, code AS c, name AS n FROM department`);
    for (const d of depts.rows) {
      addRef(refs.department, d.r, d.c);
      const n = d.n.replace(/\s+/g, '');
      const list = refs.departmentByName.get(n) ?? [];
      list.push(`${d.r}|${d.c}`);
      refs.departmentByName.set(n, list);
    }
    for (const r of (await tx.query<{ r: string; c: string }>(`SELECT region_code AS r, code AS c FROM project`)).rows)
      addRef(refs.project, r.r, r.c);
    for (const r of (await tx.query<{ r: string; c: string }>(`SELECT region_code AS r, code AS c FROM bond`)).rows)
      addRef(refs.bond, r.r, r.c);
  });
  return refs;
}

const limitsCache = new WeakMap<Postgres, Map<string, Map<string, number>>>();

async function varcharLimits(pg: Postgres): Promise<Map<string, Map<string, number>>> {
  const cached = limitsCache.get(pg);
  if (cached) return cached;
  const res = await pg.db
    .selectFrom('information_schema.columns' as never)
    .select(['table_name', 'column_name', 'character_maximum_length'] as never)
    .where('table_schema' as never, '=', 'public' as never)
    .execute();
  const out = new Map<string, Map<string, number>>();
  for (const r of res as unknown as { table_name: string; column_name: string; character_maximum_length: number | null }[]) {
    if (r.character_maximum_length === null) continue;
    const m = out.get(r.table_name) ?? new Map<string, number>();
    m.set(r.column_name, Number(r.character_maximum_length));
    out.set(r.table_name, m);
  }
  limitsCache.set(pg, out);
  return out;
}

// ── Load ─────────────────────────────────────────────────────────────────────

class DbReject extends Error {
  constructor(readonly rejects: Reject[]) {
    super('rejected by a database check');
  }
}

/** Loads files and directories (every file of a directory, reference kinds first). */
export async function loadPaths(ctx: EtlContext, inputs: readonly string[], opts: LoadOptions = {}): Promise<FileReport[]> {
  const files: string[] = [];
  for (const input of inputs) {
    const st = fs.statSync(input);
    if (st.isDirectory()) {
      const walk = (dir: string) => {
        for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
          const p = path.join(dir, e.name);
          if (e.isDirectory()) walk(p);
          else if (/\.(csv|txt|xlsx|xlsm)$/i.test(e.name)) files.push(p);
        }
      };
      walk(input);
    } else files.push(input);
  }
  const ordered: { file: string; order: number; i: number }[] = [];
  for (const [i, file] of files.entries()) {
    const kind = opts.kind ?? (await peekKind(file));
    ordered.push({ file, order: kind ? tableInfo(kind).order : 99, i });
  }
  ordered.sort((a, b) => a.order - b.order || a.i - b.i);
  await recover(ctx);
  const reports: FileReport[] = [];
  for (const { file } of ordered) reports.push(await loadFile(ctx, file, opts, false));
  return reports;
}

export async function loadFile(ctx: EtlContext, file: string, opts: LoadOptions = {}, runRecovery = true): Promise<FileReport> {
  let report: FileReport;
  try {
    report = await loadOne(ctx, file, opts, runRecovery);
  } catch (err) {
    // A load that failed outright (a database gone, a disk full) is recorded too, if the database
    // still takes a row; the error itself goes to the caller either way.
    await ctx.pg
      .transaction((tx) =>
        auditLoad(ctx, tx, 'failure', null, {
          file: path.basename(file),
          status: 'failed',
          error: String((err as Error)?.message ?? err).slice(0, 300),
        }),
      )
      .catch(() => undefined);
    throw err;
  }
  // A loaded batch's data.load row commits with the batch (commitBatch); the other outcomes
  // (rejected, already loaded) change no data and get a row of their own.
  if (report.status !== 'loaded')
    await ctx.pg.transaction((tx) =>
      auditLoad(ctx, tx, report.status === 'rejected' ? 'failure' : 'success', report.batch_id ?? null, {
        file: report.file,
        kind: report.kind,
        status: report.status,
        rows: report.rows,
        rejected_rows: report.rejected_rows,
        rejects_total: report.rejects_total,
      }),
    );
  return report;
}

function auditLoad(ctx: EtlContext, tx: PgTx, outcome: 'success' | 'failure', batchId: number | null, detail: Record<string, unknown>) {
  const by = ctx.by ?? processActing();
  return recordAudit(tx, {
    action: 'data.load',
    outcome,
    actor: by.actor,
    ip: by.ip,
    objectType: batchId === null ? 'file' : 'load_batch',
    objectId: batchId === null ? String(detail.file) : String(batchId),
    detail,
  });
}

async function loadOne(ctx: EtlContext, file: string, opts: LoadOptions, runRecovery: boolean): Promise<FileReport> {
  if (runRecovery) await recover(ctx);
  const name = path.basename(file);
  const report = emptyReport(name);
  const progress = opts.onProgress;
  const total = fs.statSync(file).size;
  const { hash, bytes } = await sha256(file, progress ? (n) => progress({ file: name, phase: 'hash', done: n, total }) : undefined);

  const already = await ctx.pg.withConnection((tx) =>
    tx.query<{ id: string; kind: string; row_count: string }>(
      `SELECT id, kind, row_count FROM load_batch WHERE source_hash = $1 AND status <> 'replaced' ORDER BY id DESC LIMIT 1`,
      [hash],
    ),
  );
  const prev = already.rows[0];
  if (prev) {
    const id = Number(prev.id);
    report.status = 'already_loaded';
    report.kind = prev.kind;
    report.batch_id = id;
    report.rows = Number(prev.row_count);
    report.reconciliation = await reconcileLines(ctx.pg, id);
    report.message_zh = `${name} 已作为批次 ${id} 载入，未重复载入`;
    report.message_en = `${name}: already loaded as batch ${id}; nothing added`;
    return report;
  }

  fs.mkdirSync(stageDir(ctx.config), { recursive: true });
  const [refs, maxLen] = await Promise.all([loadRefs(ctx.pg), varcharLimits(ctx.pg)]);
  const batchId = Number(
    (await ctx.pg.withConnection((tx) => tx.query<{ id: string }>(`SELECT nextval('load_batch_id_seq') AS id`))).rows[0]?.id,
  );
  const stagePath = stagePathFor(ctx.config, batchId);
  const parseOnce = (skip?: ReadonlySet<string>) =>
    parseSource({
      file,
      name,
      kind: opts.kind,
      refs,
      maxLen,
      stagePath,
      batchId,
      acceptPartial: opts.acceptPartial === true,
      skip,
      onBytes: progress ? (done, t) => progress({ file: name, phase: 'parse', done, total: t }) : undefined,
    });

  let parsed = await parseOnce();
  const dbRejects: Reject[] = [];
  try {
    for (let attempt = 0; ; attempt++) {
      const finish = (status: FileReport['status']) => fillReport(report, parsed, dbRejects, status);
      if (!parsed.info || !parsed.stage || (parsed.rejects.total > 0 && !opts.acceptPartial)) {
        finish('rejected');
        return report;
      }
      const info = parsed.info;
      try {
        const committed = await commitBatch(ctx, {
          batchId,
          info,
          parsed,
          name,
          sourceKey: `${info.kind}:${normaliseFileName(file)}`,
          hash,
          bytes,
          rejectedRows: parsed.rejects.rows,
          reportJson: () => {
            finish('loaded');
            return { ...report, reconciliation: [] };
          },
          onProgress: progress ? (done) => progress({ file: name, phase: 'postgres', done, total: parsed.rows }) : undefined,
        });
        report.replaced_batch_id = committed.replaces;
        progress?.({ file: name, phase: 'duckdb', done: 0, total: parsed.rows });
        await publishBatch(ctx, batchId, stagePath);
        progress?.({ file: name, phase: 'duckdb', done: parsed.rows, total: parsed.rows });
        finish('loaded');
        report.batch_id = batchId;
        report.reconciliation = await reconcileLines(ctx.pg, batchId);
        const ok = report.reconciliation.every((l) => l.reconciled);
        report.message_zh =
          `${name}：已载入批次 ${batchId}（${info.titleZh}，${report.rows} 行）` +
          (committed.replaces ? `，替换了批次 ${committed.replaces}` : '') +
          (report.rejected_rows ? `，跳过 ${report.rejected_rows} 行` : '') +
          (ok ? '，对账一致' : '，对账不一致');
        report.message_en =
          `${name}: loaded as batch ${batchId} (${info.titleEn}, ${report.rows} rows)` +
          (committed.replaces ? `, replacing batch ${committed.replaces}` : '') +
          (report.rejected_rows ? `, ${report.rejected_rows} rows skipped` : '') +
          (ok ? ', reconciled' : ', NOT reconciled');
        return report;
      } catch (err) {
        if (!(err instanceof DbReject)) throw err;
        dbRejects.push(...err.rejects);
        const dupRows = err.rejects.filter((r) => r.code === 'duplicate_key' && r.row !== undefined);
        if (!opts.acceptPartial || dupRows.length !== err.rejects.length || attempt > 0) {
          for (const r of err.rejects) parsed.rejects.add(r);
          finish('rejected');
          return report;
        }
        // Accept partial: stage again without the rows Postgres found to be duplicates.
        const sheetIdx = new Map(parsed.sheets.map((s, i) => [s, i]));
        const skip = new Set(dupRows.map((r) => `${r.sheet !== undefined ? (sheetIdx.get(r.sheet) ?? 0) : 0}:${r.row}`));
        parsed = await parseOnce(skip);
        for (const r of err.rejects) parsed.rejects.add(r);
      }
    }
  } finally {
    fs.rmSync(stagePath, { force: true });
  }
}

function fillReport(report: FileReport, parsed: ParseResult, _db: Reject[], status: FileReport['status']): void {
  report.kind = parsed.kind;
  report.status = status;
  report.rows = status === 'rejected' ? 0 : (parsed.stage?.rows ?? 0);
  report.rejected_rows = parsed.rejects.rows;
  report.rejects = parsed.rejects.listed.slice(0, MAX_LISTED_REJECTS);
  report.rejects_total = parsed.rejects.total;
  report.subtotals_checked = parsed.subtotalsChecked;
  report.subtotal_findings = parsed.subtotals;
  if (status === 'rejected' && !parsed.stage && report.rejects.length > 0 && report.rejects.every((r) => r.row === undefined)) {
    // The file as a whole could not be read (not a workbook, unknown kind …): no row to fix, no partial load to offer.
    report.message_zh = `${report.file}：无法读取，未载入任何数据（原因见下）`;
    report.message_en = `${report.file}: the file cannot be read; nothing was loaded (the reason follows)`;
  } else if (status === 'rejected') {
    const n = parsed.rejects.rows;
    report.message_zh = `${report.file}：${n} 行有错误，未载入任何数据（可修正后重新载入，或用 --accept-partial 只载入正确的行）`;
    report.message_en = `${report.file}: ${n} rows have errors; nothing was loaded (correct the file and load it again, or use --accept-partial to load the valid rows)`;
  }
}

interface CommitArgs {
  batchId: number;
  info: TableInfo;
  parsed: ParseResult;
  name: string;
  sourceKey: string;
  hash: string;
  bytes: number;
  rejectedRows: number;
  reportJson: () => unknown;
  onProgress?: ((done: number) => void) | undefined;
}

function keyJoin(info: TableInfo, a: string, b: string): string {
  return info.key
    .map((k) => (info.nullableKey.has(k) ? `${a}.${k} IS NOT DISTINCT FROM ${b}.${k}` : `${a}.${k} = ${b}.${k}`))
    .join(' AND ');
}

async function commitBatch(ctx: EtlContext, a: CommitArgs): Promise<{ replaces: number | null }> {
  const { info, parsed } = a;
  const stage = parsed.stage;
  if (!stage) throw new Error('nothing staged');
  const table = quoteIdent(info.table);
  const cols = info.columns.map(quoteIdent).join(', ');
  return ctx.pg.transaction(async (tx) => {
    if (ctx.pg.kind === 'server') await tx.query(`SELECT pg_advisory_xact_lock($1)`, [LOAD_LOCK]);
    const live = await tx.query<{ id: string }>(
      `SELECT id FROM load_batch WHERE kind = $1 AND source_key = $2 AND status <> 'replaced' FOR UPDATE`,
      [info.kind, a.sourceKey],
    );
    const replaces = live.rows[0] ? Number(live.rows[0].id) : null;
    if (replaces !== null) await tx.query(`UPDATE load_batch SET status = 'replaced' WHERE id = $1`, [replaces]);
    await tx.query(
      `INSERT INTO load_batch (id, kind, source_key, source_name, source_hash, source_bytes, status, replaces, row_count, rejected_count, report)
       VALUES ($1, $2, $3, $4, $5, $6, 'committed', $7, $8, $9, $10)`,
      [a.batchId, info.kind, a.sourceKey, a.name, a.hash, a.bytes, replaces, stage.rows, a.rejectedRows, JSON.stringify(a.reportJson())],
    );
    // Facts of the replaced batch go first, so their keys do not count as duplicates.
    if (replaces !== null && !info.reference) await tx.query(`DELETE FROM ${table} WHERE batch_id = $1`, [replaces]);

    const others = await tx.query(`SELECT 1 FROM load_batch WHERE kind = $1 AND source_key <> $2 AND status <> 'replaced' LIMIT 1`, [
      info.kind,
      a.sourceKey,
    ]);
    const checkDuplicates = info.key.length > 0 && (others.rowCount ?? 0) > 0;
    let copied = 0;
    const chunks = async function* () {
      const { stageChunks } = await import('./stage.ts');
      for await (const c of stageChunks(stage.path)) {
        yield c;
        copied += c.split('\n').length - 1;
        a.onProgress?.(copied);
      }
    };
    if (info.reference || checkDuplicates) {
      // Through a temporary table: duplicates against other sources are found by SQL, and
      // reference rows are upserted (a corrected file updates rows that others refer to).
      await tx.query(`CREATE TEMP TABLE _stage (LIKE ${table}) ON COMMIT DROP`);
      await tx.query(`ALTER TABLE _stage ADD COLUMN _i BIGSERIAL`);
      await tx.copyCsv('_stage', info.columns, chunks());
      if (info.key.length > 0) {
        const dups = await tx.query<{ i: string; batch_id: string; source_name: string }>(
          `SELECT s._i AS i, t.batch_id, b.source_name FROM _stage s JOIN ${table} t ON ${keyJoin(info, 's', 't')}
             JOIN load_batch b ON b.id = t.batch_id
            WHERE t.batch_id <> $1 AND ($2::bigint IS NULL OR t.batch_id <> $2) ORDER BY s._i LIMIT ${MAX_LISTED_REJECTS}`,
          [a.batchId, replaces],
        );
        if (dups.rows.length > 0) {
          throw new DbReject(
            dups.rows.map((d) => {
              const src = stage.source(Number(d.i) - 1);
              const sheet = parsed.sheets[src.sheet];
              return makeReject(
                { file: a.name, sheet: parsed.sheets.length > 0 ? sheet : undefined, row: src.row },
                'duplicate_key',
                `与已载入的文件“${d.source_name}”（批次 ${d.batch_id}）中的记录重复`,
                `duplicates a row already loaded from "${d.source_name}" (batch ${d.batch_id})`,
              );
            }),
          );
        }
      }
      const data = info.columns.filter((c) => c !== 'batch_id');
      if (info.reference) {
        const set = [...data.filter((c) => !info.key.includes(c)), 'batch_id']
          .map((c) => `${quoteIdent(c)} = EXCLUDED.${quoteIdent(c)}`)
          .join(', ');
        await tx.query(
          `INSERT INTO ${table} (${cols}) SELECT ${cols} FROM _stage ORDER BY _i ON CONFLICT (${info.key.map(quoteIdent).join(', ')}) DO UPDATE SET ${set}`,
        );
        if (replaces !== null) await refuseDroppingUsedRows(tx, info, replaces, a.name);
        if (replaces !== null) {
          try {
            await tx.query(`SAVEPOINT retire`);
            await tx.query(`DELETE FROM ${table} WHERE batch_id = $1`, [replaces]);
            await tx.query(`RELEASE SAVEPOINT retire`);
          } catch (err) {
            const e = err as { code?: string; detail?: string; table?: string };
            if (e.code !== '23503') throw err;
            throw new DbReject([
              makeReject(
                { file: a.name },
                'still_referenced',
                `更正后的文件删除了仍在使用的记录，未载入（${e.detail ?? ''}）。请保留这些记录，或先更正引用它们的数据`,
                `the corrected file drops rows that other data still uses; nothing was loaded (${e.detail ?? ''}). Keep those rows or correct the data that refers to them first`,
              ),
            ]);
          }
        }
      } else {
        await tx.query(`INSERT INTO ${table} (${cols}) SELECT ${cols} FROM _stage`);
      }
    } else {
      await tx.copyCsv(info.table, info.columns, chunks());
    }

    // Reconciliation: the source's count and sums against what Postgres now holds.
    const sums = info.money.map((m) => `sum(${quoteIdent(m)})::text AS ${quoteIdent(`s_${m}`)}`);
    const hasRegion = info.columns.includes('region_code');
    const q = await tx.query<Record<string, string | null>>(
      `SELECT count(*)::text AS n${hasRegion ? ', min(region_code) AS rmin, max(region_code) AS rmax' : ''}${sums.length ? `, ${sums.join(', ')}` : ''}
         FROM ${table} WHERE batch_id = $1`,
      [a.batchId],
    );
    const row = q.rows[0] ?? {};
    const pgRows = Number(row.n);
    await tx.query(
      `INSERT INTO batch_reconciliation (batch_id, table_name, column_name, source_rows, source_sum, pg_rows, pg_sum) VALUES ($1, $2, '*', $3, NULL, $4, NULL)`,
      [a.batchId, info.table, stage.rows, pgRows],
    );
    for (const [k, m] of info.money.entries()) {
      await tx.query(
        `INSERT INTO batch_reconciliation (batch_id, table_name, column_name, source_rows, source_sum, pg_rows, pg_sum) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [
          a.batchId,
          info.table,
          m,
          stage.rows,
          fenToString((stage.sums[k] as { value(): bigint }).value()),
          pgRows,
          row[`s_${m}`] ?? '0.00',
        ],
      );
    }
    if (hasRegion && row.rmin && row.rmin === row.rmax)
      await tx.query(`UPDATE load_batch SET region_code = $1 WHERE id = $2`, [row.rmin, a.batchId]);
    // Last, so the audit trail's append lock is held only for the commit.
    await auditLoad(ctx, tx, 'success', a.batchId, {
      file: a.name,
      kind: info.kind,
      status: 'loaded',
      rows: stage.rows,
      rejected_rows: a.rejectedRows,
      replaces,
      source_hash: a.hash,
    });
    return { replaces };
  });
}

/**
 * Tables that use reference codes without a foreign key (the big fact tables are kept FK-free
 * for load speed): a corrected reference file must not drop a code they still use.
 */
const SOFT_REFERENCES: Record<string, { table: string; column: string; regional: boolean }[]> = {
  department: ['payment', 'budget_line', 'budget_adjustment', 'asset_card', 'disclosure_line', 'audit_finding'].map((table) => ({
    table,
    column: 'department_code',
    regional: true,
  })),
  project: ['payment', 'budget_line', 'budget_adjustment', 'performance_target', 'bond_use', 'bond_spending'].map((table) => ({
    table,
    column: 'project_code',
    regional: true,
  })),
  function_class: [{ table: 'payment', column: 'function_code', regional: false }],
  economic_class: [{ table: 'payment', column: 'economic_code', regional: false }],
  bond: ['bond_use', 'bond_spending', 'debt_repayment'].map((table) => ({ table, column: 'bond_code', regional: true })),
};

async function refuseDroppingUsedRows(tx: PgTx, info: TableInfo, replaces: number, file: string): Promise<void> {
  for (const dep of SOFT_REFERENCES[info.table] ?? []) {
    const used = await tx.query<{ code: string }>(
      `SELECT r.code FROM ${quoteIdent(info.table)} r WHERE r.batch_id = $1 AND EXISTS (
         SELECT 1 FROM ${quoteIdent(dep.table)} t WHERE t.${quoteIdent(dep.column)} = r.code${dep.regional ? ' AND t.region_code = r.region_code' : ''})
       LIMIT 5`,
      [replaces],
    );
    if (used.rows.length === 0) continue;
    const codes = used.rows.map((r) => r.code).join('、');
    throw new DbReject([
      makeReject(
        { file },
        'still_referenced',
        `更正后的文件删除了仍在使用的编码 ${codes}（${dep.table} 表仍引用），未载入。请保留这些记录，或先更正引用它们的数据`,
        `the corrected file drops codes still used by table ${dep.table} (${used.rows.map((r) => r.code).join(', ')}); nothing was loaded. Keep those rows or correct the data that refers to them first`,
        codes,
      ),
    ]);
  }
}

// ── DuckDB publish ───────────────────────────────────────────────────────────

const duckTypes = new Map<string, Map<string, string>>();

async function duckColumnTypes(duck: Duck, table: string): Promise<Map<string, string>> {
  const cached = duckTypes.get(table);
  if (cached) return cached;
  const rows = await duck.all<{ column_name: string; data_type: string }>(
    `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = $1`,
    [table],
  );
  const m = new Map(rows.map((r) => [r.column_name, r.data_type.startsWith('CHAR') ? 'VARCHAR' : r.data_type]));
  duckTypes.set(table, m);
  return m;
}

function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** Writes a batch's rows from Postgres to a CSV file in stage order (when the stage file is gone). */
async function exportBatch(pg: Postgres, info: TableInfo, batchId: number, file: string): Promise<void> {
  const fd = fs.openSync(file, 'w');
  try {
    await pg.withConnection((tx: PgTx) =>
      tx.copyOutCsv(
        `SELECT ${info.columns.map(quoteIdent).join(', ')} FROM ${quoteIdent(info.table)} WHERE batch_id = ${Number(batchId)}`,
        (b) => {
          fs.writeSync(fd, b);
        },
      ),
    );
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Publishes a committed batch to DuckDB in one transaction. Idempotent: rows of this batch (a
 * publish killed after the DuckDB commit) and of the batch it replaces are deleted first.
 */
export async function publishBatch(ctx: EtlContext, batchId: number, stagePath?: string): Promise<void> {
  const b = (
    await ctx.pg.withConnection((tx) =>
      tx.query<{
        id: string;
        kind: string;
        source_key: string;
        source_name: string;
        source_hash: string;
        source_bytes: string;
        region_code: string | null;
        replaces: string | null;
        row_count: string;
        rejected_count: string;
        report: unknown;
        loaded_at: Date;
      }>(`SELECT * FROM load_batch WHERE id = $1`, [batchId]),
    )
  ).rows[0];
  if (!b) throw new Error(`batch ${batchId} is not in Postgres`);
  const info = tableInfo(b.kind);
  let file = stagePath && fs.existsSync(stagePath) ? stagePath : undefined;
  let exported: string | undefined;
  if (!file) {
    fs.mkdirSync(stageDir(ctx.config), { recursive: true });
    exported = path.join(stageDir(ctx.config), `export-${batchId}-${process.pid}.csv`);
    await exportBatch(ctx.pg, info, batchId, exported);
    file = exported;
  }
  try {
    const types = await duckColumnTypes(ctx.duck, info.table);
    const colSpec = info.columns.map((c) => `${sqlString(c)}: ${sqlString(types.get(c) ?? 'VARCHAR')}`).join(', ');
    const cols = info.columns.map((c) => `"${c}"`).join(', ');
    const order = info.sortBy ? ` ORDER BY ${info.sortBy.map((c) => `"${c}"`).join(', ')}` : '';
    const gone = [batchId, ...(b.replaces ? [Number(b.replaces)] : [])].join(', ');
    const con = await ctx.duck.connect();
    // new_line is given: DuckDB otherwise sniffs it from the first rows, and a quoted CRLF in a
    // text value there (a multi-line remark) made it read the stage's LF rows as one broken row.
    try {
      await con.run('BEGIN TRANSACTION');
      try {
        await con.run(`DELETE FROM "${info.table}" WHERE batch_id IN (${gone})`);
        await con.run(`DELETE FROM load_batch WHERE id IN (${gone})`);
        await con.run(
          `INSERT INTO "${info.table}" (${cols}) SELECT ${cols} FROM read_csv(${sqlString(file)}, header = false, delim = ',', quote = '"', escape = '"',
             columns = {${colSpec}}, allow_quoted_nulls = false, auto_detect = false, parallel = true, new_line = '\\n')${order}`,
        );
        await con.run(
          `INSERT INTO load_batch (id, kind, source_key, source_name, source_hash, source_bytes, region_code, status, replaces, row_count, rejected_count, report, loaded_at, published_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, 'published', $8, $9, $10, $11, $12, now())`,
          [
            batchId,
            b.kind,
            b.source_key,
            b.source_name,
            b.source_hash,
            Number(b.source_bytes),
            b.region_code,
            b.replaces === null ? null : Number(b.replaces),
            Number(b.row_count),
            Number(b.rejected_count),
            JSON.stringify(b.report),
            new Date(b.loaded_at).toISOString(),
          ],
        );
        const sums = info.money.map((m) => `CAST(sum("${m}") AS VARCHAR) AS "s_${m}"`);
        const r = await con.runAndReadAll(
          `SELECT CAST(count(*) AS VARCHAR) AS n${sums.length ? `, ${sums.join(', ')}` : ''} FROM "${info.table}" WHERE batch_id = ${batchId}`,
        );
        const counted = (r.getRowObjectsJson()[0] ?? {}) as Record<string, string | null>;
        if (Number(counted.n) !== Number(b.row_count)) {
          throw new Error(`DuckDB publish of batch ${batchId}: ${counted.n} rows read, ${b.row_count} expected`);
        }
        await con.run('COMMIT');
        await ctx.pg.transaction(async (tx) => {
          await tx.query(`UPDATE batch_reconciliation SET duck_rows = $2 WHERE batch_id = $1 AND table_name = $3`, [
            batchId,
            Number(counted.n),
            info.table,
          ]);
          for (const m of info.money) {
            await tx.query(`UPDATE batch_reconciliation SET duck_sum = $2 WHERE batch_id = $1 AND table_name = $3 AND column_name = $4`, [
              batchId,
              counted[`s_${m}`] ?? '0.00',
              info.table,
              m,
            ]);
          }
          await tx.query(`UPDATE load_batch SET status = 'published', published_at = now() WHERE id = $1 AND status = 'committed'`, [
            batchId,
          ]);
        });
      } catch (err) {
        await con.run('ROLLBACK').catch(() => undefined);
        // A stale stage file (e.g. from an earlier attempt): publish from Postgres instead.
        if (!exported && file === stagePath && err instanceof Error && err.message.includes('rows read')) {
          return await publishBatch(ctx, batchId);
        }
        throw err;
      }
    } finally {
      con.closeSync();
    }
  } finally {
    if (exported) fs.rmSync(exported, { force: true });
  }
}

// ── Recovery ─────────────────────────────────────────────────────────────────

export interface RecoveryResult {
  published: number[];
  orphanBatchesRemoved: number[];
}

/**
 * Brings DuckDB in line with Postgres after a crash: DuckDB rows whose batch Postgres does not
 * hold (rolled back or replaced) are deleted; batches committed in Postgres but not published are
 * published. Stage files of batches that are not pending are removed.
 */
export async function recover(ctx: EtlContext): Promise<RecoveryResult> {
  const liveRows = await ctx.pg.withConnection((tx) =>
    tx.query<{ id: string; status: string }>(`SELECT id, status FROM load_batch WHERE status IN ('committed', 'published') ORDER BY id`),
  );
  const live = new Set(liveRows.rows.map((r) => Number(r.id)));
  const removed = new Set<number>();
  const con = await ctx.duck.connect();
  try {
    const seen: { table: string; ids: number[] }[] = [];
    for (const table of [...loadedTables(), 'load_batch']) {
      const col = table === 'load_batch' ? 'id' : 'batch_id';
      const r = await con.runAndReadAll(`SELECT DISTINCT CAST(${col} AS BIGINT) AS b FROM "${table}"`);
      const ids = r
        .getRowObjectsJson()
        .map((x) => Number((x as { b: string }).b))
        .filter((id) => !live.has(id));
      if (ids.length) seen.push({ table, ids });
    }
    if (seen.length) {
      await con.run('BEGIN TRANSACTION');
      try {
        for (const s of seen) {
          await con.run(`DELETE FROM "${s.table}" WHERE ${s.table === 'load_batch' ? 'id' : 'batch_id'} IN (${s.ids.join(', ')})`);
          for (const id of s.ids) removed.add(id);
        }
        await con.run('COMMIT');
      } catch (err) {
        await con.run('ROLLBACK').catch(() => undefined);
        throw err;
      }
    }
  } finally {
    con.closeSync();
  }
  const pending = liveRows.rows.filter((r) => r.status === 'committed').map((r) => Number(r.id));
  for (const id of pending) await publishBatch(ctx, id, stagePathFor(ctx.config, id));
  const dir = stageDir(ctx.config);
  if (fs.existsSync(dir)) {
    for (const f of fs.readdirSync(dir)) {
      const m = /^(?:batch|export)-(\d+)/.exec(f);
      if (!m) continue;
      // Leave files of other live processes alone: only batch ids at or below the last one
      // Postgres knows can be leftovers.
      const id = Number(m[1]);
      if (!pending.includes(id) && (live.has(id) || id <= Math.max(0, ...live))) fs.rmSync(path.join(dir, f), { force: true });
    }
  }
  return { published: pending, orphanBatchesRemoved: [...removed] };
}

export { allTableInfos };
