import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDuck, pgTargets } from '../test/db.ts';
import { loadConfig } from '../server/core/config.ts';
import type { Postgres } from '../server/core/pg.ts';
import type { Duck } from '../server/core/duck.ts';
import { loadFile, loadPaths, recover, type EtlContext } from './load.ts';
import { etlStatus } from './status.ts';
import { fenToString } from './normalise.ts';
import { canonicalHeaders } from './kinds.ts';
import { DEPARTMENTS, csv, paymentRow, writePayments, writeReference } from './testdata/make.ts';
import { tableTitle, DISCLOSURE_TABLES, sheetName } from './disclosure.ts';

describe.each(pgTargets())('load on $name', (target) => {
  let pg: Postgres;
  let duck: Duck;
  let ctx: EtlContext;
  let dir: string;

  const count = async (sql: string, params: unknown[] = []) =>
    Number((await pg.withConnection((tx) => tx.query<{ n: string }>(sql, params))).rows[0]?.n);
  const duckCount = async (sql: string) => Number((await duck.all<{ n: string }>(sql))[0]?.n);

  beforeAll(async () => {
    pg = await target.open();
    duck = await openTestDuck();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), `etl-load-${target.name}-`));
    ctx = { pg, duck, config: loadConfig(process.env, { dataDir: dir }) };
    const reports = await loadPaths(
      ctx,
      [path.join(dir, 'ref-src')].filter(() => (writeReference(path.join(dir, 'ref-src')), true)),
    );
    // Reference kinds first (order 0: regions and classifications), then departments, then projects.
    expect(reports.map((r) => [r.kind, r.status]).slice(3)).toEqual([
      ['departments', 'loaded'],
      ['projects', 'loaded'],
    ]);
    expect(reports.every((r) => r.status === 'loaded')).toBe(true);
  });
  afterAll(async () => {
    await duck.close();
    await pg.close();
  });

  it('reconciles source = Postgres = DuckDB to the fen, and loading the same file again adds nothing', async () => {
    const file = path.join(dir, 'payments_990000_2026.csv');
    const total = writePayments(file, 5000);
    const r = await loadFile(ctx, file);
    expect(r.status).toBe('loaded');
    expect(r.rows).toBe(5000);
    const amount = r.reconciliation.find((l) => l.column === 'amount');
    expect(amount).toMatchObject({
      source_sum: fenToString(total),
      pg_sum: fenToString(total),
      duck_sum: fenToString(total),
      reconciled: true,
    });
    expect(await duckCount(`SELECT CAST(count(*) AS VARCHAR) AS n FROM payment WHERE batch_id = ${r.batch_id}`)).toBe(5000);
    const again = await loadFile(ctx, file);
    expect(again.status).toBe('already_loaded');
    expect(again.batch_id).toBe(r.batch_id);
    expect(again.message_en).toContain(`already loaded as batch ${r.batch_id}`);
    expect(await count(`SELECT count(*) AS n FROM payment`)).toBe(5000);
  });

  it('replaces the batch when a corrected file with the same name is loaded', async () => {
    const a = path.join(dir, 'v1', 'payments_jd.csv');
    const b = path.join(dir, 'v2', 'payments_jd.csv');
    fs.mkdirSync(path.dirname(a), { recursive: true });
    fs.mkdirSync(path.dirname(b), { recursive: true });
    writePayments(a, 100, 'JD');
    const total = writePayments(b, 120, 'JD');
    const first = await loadFile(ctx, a);
    const second = await loadFile(ctx, b);
    expect(second.status).toBe('loaded');
    expect(second.replaced_batch_id).toBe(first.batch_id);
    expect(await count(`SELECT count(*) AS n FROM payment WHERE batch_id = $1`, [first.batch_id])).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM payment WHERE batch_id = $1`, [second.batch_id])).toBe(120);
    expect(
      await duckCount(`SELECT CAST(count(*) AS VARCHAR) AS n FROM payment WHERE batch_id IN (${first.batch_id}, ${second.batch_id})`),
    ).toBe(120);
    expect(second.reconciliation.find((l) => l.column === 'amount')?.duck_sum).toBe(fenToString(total));
    expect(
      (await pg.withConnection((tx) => tx.query(`SELECT status FROM load_batch WHERE id = $1`, [first.batch_id]))).rows[0]?.status,
    ).toBe('replaced');
  });

  it('rejects a second file that repeats keys of another source, and with acceptPartial loads the rest', async () => {
    const a = path.join(dir, 'pay_a.csv');
    const b = path.join(dir, 'pay_b.csv');
    writePayments(a, 50, 'DUP');
    // b: rows 40..59 → 40..49 repeat a's vouchers.
    writePayments(b, 20, 'DUP', 40);
    expect((await loadFile(ctx, a)).status).toBe('loaded');
    const before = await count(`SELECT count(*) AS n FROM payment`);
    const rb = await loadFile(ctx, b);
    expect(rb.status).toBe('rejected');
    expect(rb.rejects.map((r) => [r.row, r.code])).toEqual(Array.from({ length: 10 }, (_, i) => [i + 2, 'duplicate_key']));
    expect(rb.rejects[0]?.message_zh).toBe(
      'pay_b.csv 第 2 行：与已载入的文件“pay_a.csv”（批次 ' + rb.rejects[0]?.message_zh.match(/批次 (\d+)/)?.[1] + '）中的记录重复',
    );
    expect(await count(`SELECT count(*) AS n FROM payment`)).toBe(before);
    const partial = await loadFile(ctx, b, { acceptPartial: true });
    expect(partial.status).toBe('loaded');
    expect(partial.rows).toBe(10);
    expect(partial.rejected_rows).toBe(10);
    expect(partial.reconciliation.every((l) => l.reconciled)).toBe(true);
  });

  it('loads nothing from a file with errors; acceptPartial loads the valid rows and lists the skipped ones', async () => {
    const file = path.join(dir, 'pay_err.csv');
    const bad = paymentRow(3, 'ERR');
    bad[5] = '2130599';
    fs.writeFileSync(file, csv([canonicalHeaders('payments'), paymentRow(1, 'ERR'), paymentRow(2, 'ERR'), bad]));
    const before = await count(`SELECT count(*) AS n FROM payment`);
    const r = await loadFile(ctx, file);
    expect(r.status).toBe('rejected');
    expect(r.rejects).toEqual([
      expect.objectContaining({ file: 'pay_err.csv', row: 4, column: '功能科目编码', code: 'unknown_code', value: '2130599' }),
    ]);
    expect(await count(`SELECT count(*) AS n FROM payment`)).toBe(before);
    expect(await count(`SELECT count(*) AS n FROM load_batch WHERE source_name = 'pay_err.csv'`)).toBe(0);
    const p = await loadFile(ctx, file, { acceptPartial: true });
    expect(p.status).toBe('loaded');
    expect([p.rows, p.rejected_rows, p.rejects[0]?.row]).toEqual([2, 1, 4]);
    expect(await count(`SELECT count(*) AS n FROM payment`)).toBe(before + 2);
  });

  it('records one data.load row in the audit trail per file: loaded (with its batch), rejected, already loaded', async () => {
    const file = path.join(dir, 'pay_audit.csv');
    const bad = paymentRow(2, 'AUD');
    bad[5] = '2130599';
    fs.writeFileSync(file, csv([canonicalHeaders('payments'), paymentRow(1, 'AUD'), bad]));
    const trail = async () =>
      (
        await pg.withConnection((tx) =>
          tx.query<{
            action: string;
            outcome: string;
            username: string;
            object_type: string;
            object_id: string;
            detail: Record<string, unknown>;
          }>(`SELECT action, outcome, username, object_type, object_id, detail FROM auth.audit_trail ORDER BY seq`),
        )
      ).rows;
    const before = (await trail()).length;
    const by = { actor: { id: '7', username: 'loader', role: 'admin', regionCode: '990000' }, ip: '10.1.2.3' };
    expect((await loadFile({ ...ctx, by }, file)).status).toBe('rejected');
    const loaded = await loadFile({ ...ctx, by }, file, { acceptPartial: true });
    expect(loaded.status).toBe('loaded');
    expect((await loadFile(ctx, file)).status).toBe('already_loaded');
    const rows = (await trail()).slice(before);
    expect(rows.map((r) => [r.action, r.outcome, r.username, r.object_type, r.object_id, r.detail.status])).toEqual([
      ['data.load', 'failure', 'loader', 'file', 'pay_audit.csv', 'rejected'],
      ['data.load', 'success', 'loader', 'load_batch', String(loaded.batch_id), 'loaded'],
      ['data.load', 'success', expect.stringMatching(/^cli:/), 'load_batch', String(loaded.batch_id), 'already_loaded'],
    ]);
    expect(rows[1]!.detail).toMatchObject({ kind: 'payments', rows: 1, rejected_rows: 1, replaces: null });
  });

  it('upserts reference data and refuses to drop a row still in use', async () => {
    const file = path.join(dir, 'ref-src', 'departments.csv');
    // Rename one department, drop 001002 (used by project P2026002).
    fs.writeFileSync(
      file,
      csv([canonicalHeaders('departments'), ['990000', '001001', '临江市教育局（更名）', ''], DEPARTMENTS[2] as string[]]),
    );
    const r = await loadFile(ctx, file);
    expect(r.status).toBe('rejected');
    expect(r.rejects[0]).toMatchObject({ code: 'still_referenced' });
    expect(r.rejects[0]?.message_zh).toContain('001002');
    expect(await count(`SELECT count(*) AS n FROM department`)).toBe(3);
    // A function class used only by payments (no foreign key there) is protected as well.
    const fc = path.join(dir, 'ref-src', 'function_classes.csv');
    const fcText = fs.readFileSync(fc, 'utf8');
    fs.writeFileSync(fc, fcText.replace(/2130501,[^\r\n]*\r?\n/, ''));
    const rf = await loadFile(ctx, fc);
    expect(rf.rejects[0]).toMatchObject({ code: 'still_referenced' });
    expect(rf.rejects[0]?.message_en).toContain('payment (2130501)');
    fs.writeFileSync(fc, fcText);
    fs.writeFileSync(file, csv([canonicalHeaders('departments'), ['990000', '001001', '临江市教育局', ''], ...DEPARTMENTS.slice(1)]));
    fs.appendFileSync(file, csv([['990000', '001003', '临江市财政局', '']]));
    const ok = await loadFile(ctx, file);
    expect(ok.status).toBe('loaded');
    expect(await count(`SELECT count(*) AS n FROM department WHERE batch_id = $1`, [ok.batch_id])).toBe(4);
    expect(await duckCount(`SELECT CAST(count(*) AS VARCHAR) AS n FROM department`)).toBe(4);
  });

  it('reads a disclosure workbook: 项 rows stored, 类/款 and 合计 checked, table 7 stored whole', async () => {
    const wb = new ExcelJS.Workbook();
    const dept = '临江市教育局';
    const t3 = DISCLOSURE_TABLES.find((t) => t.no === 3)!;
    const ws = wb.addWorksheet(sheetName(t3));
    ws.getCell('A1').value = tableTitle(dept, 2026, 'approved', t3);
    ws.mergeCells('A1:E1');
    ws.getCell('A2').value = `编制单位：${dept}`;
    ws.getCell('E2').value = '单位：万元';
    ws.getCell('A3').value = '科目编码';
    ws.mergeCells('A3:A4');
    ws.getCell('B3').value = '科目名称';
    ws.mergeCells('B3:B4');
    ws.getCell('C3').value = '合计';
    ws.mergeCells('C3:C4');
    ws.getCell('D3').value = '基本支出';
    ws.mergeCells('D3:D4');
    ws.getCell('E3').value = '项目支出';
    ws.mergeCells('E3:E4');
    ws.addRow(['合计', '', 30, 10, 20]);
    ws.addRow([205, '教育支出', 30, 10, 20]);
    ws.addRow([20501, '教育管理事务', 12, 10, 2]); // wrong: its 项 rows add up to 10
    ws.addRow([2050101, '  行政运行', 10, 10, 0]);
    ws.addRow(['2050201', '  学前教育', '２０', '', '２０']);
    const t7 = DISCLOSURE_TABLES.find((t) => t.no === 7)!;
    const w7 = wb.addWorksheet(sheetName(t7));
    w7.getCell('A1').value = tableTitle(dept, 2026, 'approved', t7);
    w7.getCell('A2').value = `编制单位：${dept}`;
    w7.getCell('F2').value = '单位：元';
    ['合计', '因公出国（境）费', '公务用车购置及运行费', '', '', '公务接待费'].forEach((h, i) => (w7.getCell(3, i + 1).value = h || null));
    w7.mergeCells('C3:E3');
    ['合计', '因公出国（境）费', '小计', '公务用车购置费', '公务用车运行费', '公务接待费'].forEach(
      (h, i) => (w7.getCell(4, i + 1).value = h),
    );
    w7.mergeCells('A3:A4');
    w7.mergeCells('B3:B4');
    w7.mergeCells('F3:F4');
    w7.addRow(['1,000.00', 100, 500, 200, 300, 300]); // total wrong: 100 + 500 + 300 = 900
    const file = path.join(dir, `${dept}2026年部门预算公开表.xlsx`);
    await wb.xlsx.writeFile(file);
    const r = await loadFile(ctx, file);
    expect(r.rejects.map((x) => x.message_zh)).toEqual([]);
    expect(r.status).toBe('loaded');
    expect(r.kind).toBe('budget_disclosure');
    expect(r.rows).toBe(6 + 6);
    const rows = await pg.withConnection((tx) =>
      tx.query<{ line_code: string; measure: string; amount: string }>(
        `SELECT line_code, measure, amount FROM disclosure_line WHERE table_no = 3 AND department_code = '001001' ORDER BY 1, 2`,
      ),
    );
    expect(rows.rows.map((x) => `${x.line_code}:${x.measure}=${x.amount}`)).toEqual([
      '2050101:basic=100000.00',
      '2050101:project=0.00',
      '2050101:total=100000.00',
      '2050201:basic=0.00',
      '2050201:project=200000.00',
      '2050201:total=200000.00',
    ]);
    expect(r.subtotal_findings.map((f) => [f.sheet, f.row, f.label, f.column, f.stated, f.computed])).toEqual([
      ['3 支出总表', 7, '20501 教育管理事务', '合计', '120000.00', '100000.00'],
      ['3 支出总表', 7, '20501 教育管理事务', '项目支出', '20000.00', '0.00'],
      ['7 三公经费支出表', 5, '合计', '合计', '1000.00', '900.00'],
    ]);
  });

  it('recovers: publishes a batch committed but not published, deletes DuckDB rows of unknown batches', async () => {
    const file = path.join(dir, 'pay_rec.csv');
    writePayments(file, 30, 'REC');
    const r = await loadFile(ctx, file);
    // Simulate a kill between the Postgres commit and the DuckDB publish, and a DuckDB-only orphan.
    await pg.transaction((tx) => tx.query(`UPDATE load_batch SET status = 'committed' WHERE id = $1`, [r.batch_id]));
    await duck.run(`DELETE FROM payment WHERE batch_id = ${r.batch_id}`);
    await duck.run(`INSERT INTO payment SELECT * REPLACE (999999 AS batch_id) FROM payment LIMIT 3`);
    const rec = await recover(ctx);
    expect(rec.published).toEqual([r.batch_id]);
    expect(rec.orphanBatchesRemoved).toContain(999999);
    expect(await duckCount(`SELECT CAST(count(*) AS VARCHAR) AS n FROM payment WHERE batch_id = ${r.batch_id}`)).toBe(30);
    expect(await duckCount(`SELECT CAST(count(*) AS VARCHAR) AS n FROM payment WHERE batch_id = 999999`)).toBe(0);
    const status = await etlStatus(pg);
    expect(status.all_reconciled).toBe(true);
  });
});
