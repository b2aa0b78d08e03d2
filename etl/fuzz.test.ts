/**
 * ETL fuzz (issue 5): malformed CSV rows and hostile XLSX files through the real loader
 * (`loadFile` → PGlite or a Postgres server, and a DuckDB file).
 *
 * - CSV: 10,000 rows of payments, budget lines and adjustments, about 30 % of them carrying one
 *   planted fault each (etl/testdata/fuzz.ts), the rest valid but hostile-looking. For every file:
 *   the load returns a report (never throws), loads nothing, and lists exactly the planted rows
 *   (both ways: no valid row rejected), each reject located (file, row, column where it applies,
 *   code, zh + en message); with acceptPartial exactly the valid rows load, reconciled to the fen,
 *   and formula-looking or prototype-named text is stored verbatim in Postgres and DuckDB.
 * - XLSX: hostile workbooks (etl/testdata/hostile-xlsx.ts) are rejected with a located message
 *   or loaded safely, with bounded memory, and Object.prototype stays clean.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgTargets } from '../test/db.ts';
import { loadConfig } from '../server/core/config.ts';
import type { Postgres } from '../server/core/pg.ts';
import { openDuck, type Duck } from '../server/core/duck.ts';
import { migrateDuck } from '../server/core/migrate.ts';
import { loadFile, loadPaths, type EtlContext } from './load.ts';
import { fenToString } from './normalise.ts';
import { canonicalHeaders, kindSpec } from './kinds.ts';
import type { FileReport, Reject } from './report.ts';
import { paymentRow, writeReference } from './testdata/make.ts';
import { FORMULAS, PROTO_NAMES, fuzzCsv, type FuzzFile, type FuzzKind } from './testdata/fuzz.ts';
import { deflateBomb, esc, rawXlsx, writeZip, type RawSheet } from './testdata/hostile-xlsx.ts';
import { XLSX_LIMITS } from './read/zip.ts';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { toCsv, toXlsx, type ExportTable } from '../web/src/lib/export/export.ts';

const SEED = Number(process.env.ETL_FUZZ_SEED ?? 20260501);

/** 8 files, 10,000 rows in all; each file's rejects stay under the 1,000 a report lists. */
const PLAN: { kind: FuzzKind; rows: number }[] = [
  ...Array.from({ length: 5 }, () => ({ kind: 'payments' as const, rows: 1250 })),
  ...Array.from({ length: 2 }, () => ({ kind: 'budget_lines' as const, rows: 1250 })),
  { kind: 'adjustments', rows: 1250 },
];

/** Rejects that are about a row as a whole; every other code must name its column. */
const ROW_LEVEL = new Set(['field_count', 'duplicate_key']);

function assertLocated(rejects: readonly Reject[], file: string, kind: string, sheet?: string): void {
  const headers = new Set(canonicalHeaders(kind));
  for (const r of rejects) {
    const where = `${r.code} at row ${r.row}`;
    expect(r.file, where).toBe(file);
    if (sheet !== undefined) expect(r.sheet, where).toBe(sheet);
    expect(Number.isInteger(r.row) && (r.row as number) >= 2, where).toBe(true);
    if (!ROW_LEVEL.has(r.code)) expect(headers.has(r.column as string), `${where}: column ${r.column}`).toBe(true);
    expect(r.message_zh, where).toContain(`第 ${r.row} 行`);
    expect(r.message_en, where).toContain(`row ${r.row}`);
    expect(r.message_zh.startsWith(file), where).toBe(true);
    // Clear, not a dump of a huge cell.
    expect(r.message_zh.length + r.message_en.length, where).toBeLessThan(2000);
    expect((r.value ?? '').length, where).toBeLessThan(1000);
  }
}

function prototypeIsClean(): void {
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(
    [
      '__defineGetter__',
      '__defineSetter__',
      '__lookupGetter__',
      '__lookupSetter__',
      '__proto__',
      'constructor',
      'hasOwnProperty',
      'isPrototypeOf',
      'propertyIsEnumerable',
      'toLocaleString',
      'toString',
      'valueOf',
    ].sort(),
  );
  expect(Object.keys(Object.prototype)).toEqual([]);
  expect(typeof Object.prototype.toString).toBe('function');
  expect(Object.getPrototypeOf(Object.prototype)).toBe(null);
  expect(Object.getOwnPropertyNames(Array.prototype)).not.toContain('0');
}

describe.each(pgTargets())('ETL fuzz on $name', (target) => {
  let pg: Postgres;
  let duck: Duck;
  let ctx: EtlContext;
  let dir: string;

  const pgCount = async (sql: string, params: unknown[] = []) =>
    Number((await pg.withConnection((tx) => tx.query<{ n: string }>(sql, params))).rows[0]?.n);

  beforeAll(async () => {
    pg = await target.open();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), `etl-fuzz-${target.name}-`));
    duck = await openDuck(path.join(dir, 'fuzz.duckdb'));
    await migrateDuck(duck);
    ctx = { pg, duck, config: loadConfig(process.env, { dataDir: dir }) };
    const refs = await loadPaths(
      ctx,
      [path.join(dir, 'ref')].filter(() => (writeReference(path.join(dir, 'ref')), true)),
    );
    expect(refs.every((r) => r.status === 'loaded')).toBe(true);
  });
  afterAll(async () => {
    await duck?.close();
    await pg?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('10,000 CSV rows, ~30 % malformed: no crash, every planted row rejected and located, no valid row rejected', async () => {
    const files: FuzzFile[] = PLAN.map((p, i) => fuzzCsv(p.kind, SEED + i, p.rows, 0.3, `T${i}`));
    let rows = 0;
    let planted = 0;
    let located = 0;
    for (const [i, f] of files.entries()) {
      const name = `fuzz_${i}_${f.kind}.csv`;
      const file = path.join(dir, name);
      fs.writeFileSync(file, f.bytes);
      const table = kindSpec(f.kind).table;
      const before = await pgCount(`SELECT count(*) AS n FROM ${table}`);

      // Without acceptPartial: a report, nothing loaded.
      const r: FileReport = await loadFile(ctx, file);
      expect(r.status, name).toBe('rejected');
      expect(r.kind, name).toBe(f.kind);
      expect(r.rows).toBe(0);
      expect(await pgCount(`SELECT count(*) AS n FROM ${table}`)).toBe(before);
      expect(await pgCount(`SELECT count(*) AS n FROM load_batch WHERE source_name = $1`, [name])).toBe(0);
      expect(r.rejects_total, `${name}: every reject listed`).toBe(r.rejects.length);
      assertLocated(r.rejects, name, f.kind);

      // Planted rows = rejected rows, both ways, each with the planted code (and column).
      const byRow = new Map<number, Reject[]>();
      for (const x of r.rejects) byRow.set(x.row as number, [...(byRow.get(x.row as number) ?? []), x]);
      const missed = f.planted.filter((p) => !byRow.has(p.row));
      expect(missed, `${name}: planted rows not rejected`).toEqual([]);
      const plantedRows = new Set(f.planted.map((p) => p.row));
      const extra = r.rejects.filter((x) => !plantedRows.has(x.row as number));
      expect(extra, `${name}: valid rows rejected`).toEqual([]);
      const wrong = f.planted.filter((p) => {
        const got = byRow.get(p.row) ?? [];
        return !got.some((x) => x.code === p.code && (p.column === undefined || x.column === p.column));
      });
      expect(
        wrong.map((p) => ({ ...p, got: byRow.get(p.row)?.map((x) => `${x.code}@${x.column}`) })),
        `${name}: rejects with another code or column than planted`,
      ).toEqual([]);
      expect(r.rejected_rows).toBe(f.planted.length);
      rows += f.planted.length + f.valid.length;
      planted += f.planted.length;
      located += f.planted.filter((p) => byRow.has(p.row)).length;

      // With acceptPartial: exactly the valid rows, reconciled to the fen in both databases.
      const p = await loadFile(ctx, file, { acceptPartial: true });
      expect(p.status, p.message_en).toBe('loaded');
      expect(p.rows).toBe(f.valid.length);
      expect(p.rejected_rows).toBe(f.planted.length);
      const amount = p.reconciliation.find((l) => l.column === 'amount');
      const want = fenToString(f.validFen);
      expect(amount).toMatchObject({ source_rows: f.valid.length, source_sum: want, pg_sum: want, duck_sum: want, reconciled: true });
      expect(p.reconciliation.every((l) => l.reconciled)).toBe(true);

      // Hostile-looking text is stored verbatim (exports neutralise it, not the loader).
      const keyed = f.valid.filter((v) => Object.keys(v.checks).length > 0 && v.key);
      for (const v of keyed) {
        const [field, value] = Object.entries(v.checks)[0] as [string, string];
        const where = Object.keys(v.key ?? {})
          .map((k, j) => `${k} = $${j + 2}`)
          .join(' AND ');
        const args = [p.batch_id, ...Object.values(v.key ?? {})];
        const got = await pg.withConnection((tx) =>
          tx.query<Record<string, string>>(`SELECT ${field} AS v FROM ${table} WHERE batch_id = $1 AND ${where}`, args),
        );
        expect(
          got.rows.map((x) => x.v),
          `${name} row ${v.row} ${field}`,
        ).toEqual([value]);
        const dk = await duck.all<{ v: string }>(
          `SELECT ${field} AS v FROM ${table} WHERE batch_id = ${Number(p.batch_id)} AND ${Object.keys(v.key ?? {})
            .map((k, j) => `${k} = $${j + 1}`)
            .join(' AND ')}`,
          Object.values(v.key ?? {}),
        );
        expect(dk.map((x) => x.v)).toEqual([value]);
      }
    }
    console.log(`ETL fuzz (${target.name}): ${rows} CSV rows, ${planted} malformed, ${located}/${planted} rejects located`);
    expect(rows).toBe(10_000);
    expect(located).toBe(planted);
    prototypeIsClean();
  });

  it('CSV edge files: duplicate and prototype-named headers, a 5 MB field, CR-only lines, a UTF-8 row in a GBK file, a quote open at the end', async () => {
    const head = canonicalHeaders('payments');
    const rows = (tag: string, n: number) => Array.from({ length: n }, (_, i) => paymentRow(i, tag).join(','));
    const load = async (name: string, bytes: Buffer | string, acceptPartial = false) => {
      const file = path.join(dir, name);
      fs.writeFileSync(file, bytes);
      const r = await loadFile(ctx, file, { acceptPartial });
      prototypeIsClean();
      return r;
    };
    // The amount column twice (and as an alias): which holds the amount cannot be told.
    for (const [name, extra] of [
      ['dup-header.csv', '支付金额'],
      ['dup-alias.csv', '金额'],
    ] as const) {
      const r = await load(name, [[...head, extra].join(','), ...rows('DH', 3).map((l) => `${l},1.00`)].join('\n'));
      expect(r.status).toBe('rejected');
      expect(r.rejects.map((x) => [x.row, x.column, x.code])).toEqual([[1, extra, 'duplicate_column']]);
      expect(r.rejects[0]?.message_en).toContain('names the same column twice');
    }
    // Prototype names as extra headers and as values of text columns: plain data.
    const proto = await load(
      'proto-header.csv',
      [
        [...head, '__proto__', 'constructor'].join(','),
        ...rows('PH', 4).map((l, i) => `${l.replace(/,[^,]*,[^,]*,[^,]*$/, `,${PROTO_NAMES[i]},单位,1.00`)},__proto__,prototype`),
      ].join('\n'),
    );
    expect([proto.status, proto.rows]).toEqual(['loaded', 4]);
    const headerOnly = await load('proto-only-header.csv', '__proto__,constructor,prototype\n1,2,3\n');
    expect(headerOnly.rejects.map((x) => x.code)).toEqual(['unknown_kind']);
    // One field of 5 MB: its row rejected with a short message; the rest load with acceptPartial.
    const big = rows('BG', 5);
    big[2] = (big[2] as string).replace(/,[^,]*,([^,]*),([^,]*)$/, `,${'长'.repeat(5 << 20)},$1,$2`);
    const rb = await load('big-field.csv', [head.join(','), ...big].join('\r\n'));
    expect(rb.rejects.map((x) => [x.row, x.column, x.code])).toEqual([[4, '收款人', 'too_long']]);
    assertLocated(rb.rejects, 'big-field.csv', 'payments');
    expect((await load('big-field.csv', [head.join(','), ...big].join('\r\n'), true)).rows).toBe(4);
    // An old Mac file: CR only.
    const mac = await load('mac.csv', [head.join(','), ...rows('MC', 6)].join('\r') + '\r');
    expect([mac.status, mac.rows]).toEqual(['loaded', 6]);
    // A GBK file with one row pasted in as UTF-8: that row is mojibake, rejected and located.
    const gbkRows = rows('GB', 5);
    const gbk = Buffer.concat([
      iconv.encode([head.join(','), ...gbkRows.slice(0, 3)].join('\r\n') + '\r\n', 'gbk'),
      Buffer.from(`${gbkRows[3]}\r\n`, 'utf8'),
      iconv.encode(`${gbkRows[4]}\r\n`, 'gbk'),
    ]);
    const rg = await load('gbk-mixed.csv', gbk);
    expect(new Set(rg.rejects.map((x) => x.row))).toEqual(new Set([5]));
    assertLocated(rg.rejects, 'gbk-mixed.csv', 'payments');
    // A quote opened in the last row and never closed; and one in the middle of a large file.
    const tail = await load('quote-at-end.csv', [head.join(','), ...rows('QE', 3), '990000,"2026-01-01,Q,001001'].join('\n'));
    expect(tail.rejects.map((x) => [x.row, x.column, x.code])).toEqual([[5, '支付日期', 'bad_quote']]);
    const long = rows('QL', 30_000);
    long[10] = (long[10] as string).replace(/,([^,]*)$/, ',"$1');
    const rl = await load('quote-in-middle.csv', [head.join(','), ...long].join('\n'), true);
    expect([rl.status, rl.rows, rl.rejects.map((x) => [x.row, x.code])]).toEqual(['loaded', 29_999, [[12, 'bad_quote']]]);
  });

  describe('hostile XLSX', () => {
    const HEAD = canonicalHeaders('payments');
    /** n valid payment rows as spreadsheet cells (amount as a number), vouchers tagged. */
    const rowsOf = (tag: string, n: number): (string | number)[][] =>
      Array.from({ length: n }, (_, i) => {
        const r: (string | number)[] = paymentRow(i, tag);
        r[10] = Number(r[10]);
        return r;
      });
    const write = (name: string, bytes: Buffer) => {
      const file = path.join(dir, name);
      fs.writeFileSync(file, bytes);
      return file;
    };
    const peakRss: Record<string, number> = {};
    /** Loads a file expected to be refused as a whole; returns the reject. */
    const refused = async (name: string, bytes: Buffer, says: RegExp, code = 'bad_workbook'): Promise<Reject> => {
      const file = write(name, bytes);
      const before = process.memoryUsage().rss;
      const r = await loadFile(ctx, file);
      peakRss[name] = process.memoryUsage().rss - before;
      expect(r.status, name).toBe('rejected');
      expect(r.rejects, name).toHaveLength(1);
      const rej = r.rejects[0] as Reject;
      expect(rej).toMatchObject({ file: name, code });
      expect(rej.message_zh.startsWith(name)).toBe(true);
      expect(rej.message_en, name).toMatch(says);
      expect(rej.message_zh.length + rej.message_en.length).toBeLessThan(1000);
      // The file as a whole is refused: the summary does not speak of rows to fix.
      if (rej.row === undefined) expect(r.message_en, name).toMatch(/the file cannot be read; nothing was loaded/);
      expect(await pgCount(`SELECT count(*) AS n FROM load_batch WHERE source_name = $1`, [name])).toBe(0);
      prototypeIsClean();
      return rej;
    };

    it('a cell of 5 MB: its row rejected, located by sheet, row and column; the others load with acceptPartial', async () => {
      const rows = rowsOf('XH', 20);
      (rows[7] as (string | number)[])[8] = '长'.repeat(5 << 20);
      const file = write('huge-cell.xlsx', rawXlsx([{ name: '支付明细', rows: [HEAD, ...rows] }]));
      const r = await loadFile(ctx, file);
      expect(r.status).toBe('rejected');
      expect(r.rejects.map((x) => [x.sheet, x.row, x.column, x.code])).toEqual([['支付明细', 9, '收款人', 'too_long']]);
      assertLocated(r.rejects, 'huge-cell.xlsx', 'payments', '支付明细');
      const p = await loadFile(ctx, file, { acceptPartial: true });
      expect([p.status, p.rows, p.rejected_rows]).toEqual(['loaded', 19, 1]);
      prototypeIsClean();
    });

    it('a character XML does not allow (&#xD800;, half a surrogate pair): the file refused as unreadable, saying where the XML parser stopped', async () => {
      const rows = rowsOf('XS', 5);
      (rows[1] as (string | number)[])[8] = '收款SURR人';
      const cell = (v: string | number, ref: string) =>
        typeof v === 'number'
          ? `<c r="${ref}"><v>${v}</v></c>`
          : `<c r="${ref}" t="inlineStr"><is><t>${esc(v).replace('SURR', '&#xD800;')}</t></is></c>`;
      const xml = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${[
        HEAD,
        ...rows,
      ]
        .map((r, ri) => `<row r="${ri + 1}">${r.map((v, ci) => cell(v, `${String.fromCharCode(65 + ci)}${ri + 1}`)).join('')}</row>`)
        .join('')}</sheetData></worksheet>`;
      const rej = await refused(
        'surrogate.xlsx',
        rawXlsx([{ name: '支付明细', rows: [], xml }]),
        /cannot be read: 2:\d+: malformed character entity/,
      );
      expect(rej.message_en).not.toMatch(/hostile/);
    });

    it('formula cells load their cached result, formula-looking strings load verbatim, a formula with no result is located', async () => {
      const rows = rowsOf('XF', FORMULAS.length + 3);
      FORMULAS.forEach((f, i) => ((rows[i] as (string | number | object)[])[8] = f));
      const n = FORMULAS.length;
      (rows[n] as unknown[])[10] = { f: 'SUM(1,2)', v: 3 };
      (rows[n + 1] as unknown[])[8] = { f: 'HYPERLINK("http://evil.example","x")', v: '=HYPERLINK("http://evil.example","x")' };
      (rows[n + 2] as unknown[])[10] = { f: 'WEBSERVICE("http://evil.example")' }; // no cached value
      const file = write('formulas.xlsx', rawXlsx([{ name: 'Sheet1', rows: [HEAD, ...rows] as RawSheet['rows'] }]));
      const r = await loadFile(ctx, file);
      expect(r.rejects.map((x) => [x.sheet, x.row, x.column, x.code])).toEqual([['Sheet1', n + 4, '支付金额', 'missing_value']]);
      const p = await loadFile(ctx, file, { acceptPartial: true });
      expect([p.status, p.rows]).toEqual(['loaded', n + 2]);
      const got = await pg.withConnection((tx) =>
        tx.query<{ voucher_no: string; payee: string; amount: string }>(
          `SELECT voucher_no, payee, amount FROM payment WHERE batch_id = $1 ORDER BY voucher_no`,
          [p.batch_id],
        ),
      );
      const byVoucher = new Map(got.rows.map((x) => [x.voucher_no, x]));
      FORMULAS.forEach((f, i) => expect(byVoucher.get(paymentRow(i, 'XF')[2] as string)?.payee).toBe(f.trim()));
      expect(byVoucher.get(paymentRow(n, 'XF')[2] as string)?.amount).toBe('3.00');
      expect(byVoucher.get(paymentRow(n + 1, 'XF')[2] as string)?.payee).toBe('=HYPERLINK("http://evil.example","x")');
      const duckPayees = await duck.all<{ payee: string }>(
        `SELECT payee FROM payment WHERE batch_id = ${Number(p.batch_id)} ORDER BY voucher_no`,
      );
      expect(duckPayees.map((x) => x.payee)).toEqual(got.rows.map((x) => x.payee));

      // Exports (written in the browser: the server has no CSV/XLSX path) neutralise what was
      // stored verbatim: every payee a spreadsheet would run comes out with a leading quote.
      const table: ExportTable = {
        columns: [
          { header: '收款人', kind: 'text' },
          { header: '金额', kind: 'number' },
        ],
        rows: duckPayees.map((x, i) => [x.payee, got.rows[i]?.amount ?? null]),
      };
      const risky = duckPayees.map((x) => x.payee).filter((v) => /^[=+\-@\t\r]/.test(v));
      expect(risky.length).toBeGreaterThanOrEqual(FORMULAS.length);
      const csvLines = toCsv(table).split('\r\n');
      for (const v of risky)
        expect(csvLines.some((l) => l === `'${v},` || l.startsWith(`"'${v.replace(/"/g, '""')}",`) || l.startsWith(`'${v},`))).toBe(true);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(Buffer.from(toXlsx(table)) as unknown as ArrayBuffer);
      const cells: string[] = [];
      wb.worksheets[0]?.eachRow((row, r) => r > 1 && cells.push(String(row.getCell(1).value)));
      expect(cells).toEqual(duckPayees.map((x) => (/^[=+\-@\t\r]/.test(x.payee) ? `'${x.payee}` : x.payee)));
      for (const c of cells) expect(c).not.toMatch(/^[=+\-@\t\r]/);
    });

    it('prototype-polluting sheet names, defined names, headers and shared strings: loaded as plain data, Object.prototype untouched', async () => {
      const rows = rowsOf('XP', 6);
      PROTO_NAMES.forEach((name, i) => ((rows[i] as (string | number)[])[8] = name));
      const head = [...HEAD, '__proto__', 'constructor'];
      const data = rows.map((r) => [...r, '__proto__', 'prototype']);
      const bad = rowsOf('XQ', 3).map((r) => [...r, '', '']);
      (bad[0] as (string | number)[])[0] = '__proto__';
      (bad[1] as (string | number)[])[7] = 'constructor';
      (bad[2] as (string | number)[])[5] = 'toString';
      const sheets: RawSheet[] = [
        { name: '__proto__', rows: [head, ...data, ...bad] },
        { name: 'constructor', rows: [['__proto__'], ['prototype']] },
        { name: 'prototype', rows: [] },
      ];
      const definedNames: [string, string][] = [
        ['__proto__', "'__proto__'!$A$1"],
        ['constructor', "'constructor'!$A$1:$B$2"],
        ['prototype', '__proto__!$A$1'],
      ];
      const file = write('proto.xlsx', rawXlsx(sheets, { definedNames }));
      const r = await loadFile(ctx, file);
      prototypeIsClean();
      expect(r.status).toBe('rejected');
      expect(r.rejects.map((x) => [x.sheet, x.row, x.column, x.code])).toEqual([
        ['__proto__', 8, '区划代码', 'bad_code'],
        ['__proto__', 9, '预算类型', 'bad_enum'],
        ['__proto__', 10, '功能科目编码', 'bad_code'],
      ]);
      assertLocated(r.rejects, 'proto.xlsx', 'payments', '__proto__');
      const p = await loadFile(ctx, file, { acceptPartial: true });
      expect([p.status, p.rows]).toEqual(['loaded', 6]);
      const payees = await pg.withConnection((tx) =>
        tx.query<{ payee: string }>(`SELECT payee FROM payment WHERE batch_id = $1 ORDER BY voucher_no`, [p.batch_id]),
      );
      expect(payees.rows.map((x) => x.payee)).toEqual([...PROTO_NAMES]);
      prototypeIsClean();
    });

    it('zip bombs are refused before inflating: by declared size, by a lying directory, by entry count', async () => {
      const open =
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>';
      const close = '</sheetData></worksheet>';
      const base: RawSheet[] = [{ name: 'Sheet1', rows: [HEAD] }];
      // 4 GiB - 1 MiB of spaces in the sheet (~4 MB on disk), its size declared honestly.
      const huge = deflateBomb(open, 4095 * 2 ** 20, close);
      const honest = rawXlsx(base, { extra: [{ name: 'xl/worksheets/sheet1.xml', deflated: huge }] });
      expect(honest.length).toBeLessThan(8 << 20);
      await refused('bomb-declared.xlsx', honest, /inflates to more than 256 MiB .*zip bomb/);
      // The same sheet with a directory that claims 2 KB.
      const lying = rawXlsx(base, { extra: [{ name: 'xl/worksheets/sheet1.xml', deflated: { ...huge, size: 2048 } }] });
      await refused('bomb-lying.xlsx', lying, /inflates to more than the size the archive declares .*zip bomb/);
      // A lying entry under an unrelated name (exceljs inflates every entry, whatever its name).
      const side = rawXlsx([{ name: 'Sheet1', rows: [HEAD, ...rowsOf('XB', 3)] }], {
        extra: [{ name: 'docProps/thumbnail.jpeg', deflated: { ...deflateBomb('', 512 << 20, ''), size: 100 } }],
      });
      await refused('bomb-side-entry.xlsx', side, /entry "docProps\/thumbnail.jpeg" inflates to more than/);
      // Many entries each honest and small, together over the limit.
      const many = deflateBomb('', 1 << 20, '');
      const sum = rawXlsx(base, {
        extra: Array.from({ length: Math.ceil(XLSX_LIMITS.totalBytes / (1 << 20)) + 1 }, (_, i) => ({
          name: `xl/media/image${i}.png`,
          deflated: many,
        })),
      });
      await refused('bomb-sum.xlsx', sum, /inflates to more than 256 MiB/);
      // More entries than any workbook has.
      const entries = rawXlsx(base, {
        extra: Array.from({ length: XLSX_LIMITS.entries + 1 }, (_, i) => ({
          name: `customXml/item${i}.xml`,
          data: Buffer.alloc(0),
          store: true,
        })),
      });
      await refused('bomb-entries.xlsx', entries, /holds \d+ or more entries, over the limit of 10000/);
      console.log(
        `zip bombs (${target.name}): rss growth per load`,
        Object.fromEntries(Object.entries(peakRss).map(([k, v]) => [k, `${Math.round(v / (1 << 20))} MiB`])),
      );
      // Bounded: a bomb that was inflated would need gigabytes.
      for (const [name, grown] of Object.entries(peakRss)) expect(grown, name).toBeLessThan(256 << 20);
    });

    it('a non-ZIP file, a truncated workbook and an empty file named .xlsx are refused with a clear message', async () => {
      await refused('renamed.xlsx', Buffer.from(`${HEAD.join(',')}\n${paymentRow(1).join(',')}\n`), /not a ZIP archive/);
      const good = rawXlsx([{ name: 'Sheet1', rows: [HEAD, ...rowsOf('XT', 50)] }]);
      await refused('truncated.xlsx', good.subarray(0, Math.floor(good.length * 0.6)), /truncated/);
      await refused('empty.xlsx', Buffer.alloc(0), /too short/);
      // A ZIP that holds no workbook: no sheet, so no header to recognise.
      const rej = await refused(
        'no-workbook.xlsx',
        writeZip([{ name: 'readme.txt', data: Buffer.from('hello') }]),
        /kind of data cannot be recognised/,
        'unknown_kind',
      );
      expect(rej.message_zh).toContain('无法从表头识别数据类型');
    });

    it('XML entity expansion (billion laughs) and external entities: refused or inert, in bounded work', async () => {
      const lol = [
        '<!ENTITY lol0 "lollollollollollollollollollol">',
        ...Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`),
      ].join('');
      const laughs = `<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE sst [${lol}]><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>&lol9;</t></si></sst>`;
      const sheet = (xml: string) =>
        rawXlsx([{ name: 'Sheet1', rows: [HEAD, ...rowsOf('XL', 3)] }], {
          extra: [{ name: 'xl/sharedStrings.xml', data: Buffer.from(xml) }],
        });
      for (const [name, bytes] of [
        ['laughs.xlsx', sheet(laughs)],
        [
          'xxe.xlsx',
          sheet(
            `<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE sst [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&xxe;</t></si></sst>`,
          ),
        ],
      ] as const) {
        const file = write(name, bytes);
        const before = process.memoryUsage().rss;
        const r = await loadFile(ctx, file);
        expect(process.memoryUsage().rss - before, name).toBeLessThan(256 << 20);
        console.log(`${name} (${target.name}): ${r.status}, ${r.rows} rows; ${r.rejects[0]?.message_en ?? ''}`);
        // Whatever happened, no expansion and no file content reached the report or the data.
        const text = JSON.stringify(r);
        expect(text).not.toContain('lollollollollollollollollollollollollol');
        expect(text).not.toMatch(/root:.*:0:0:/);
        // Refused before any XML is parsed: nothing of the file reaches the databases.
        expect(r.status, name).toBe('rejected');
        expect(r.rejects[0]?.message_en).toMatch(/entity declarations Excel never writes/);
        expect(r.rows).toBe(0);
        for (const x of r.rejects) expect(x.file).toBe(name);
        prototypeIsClean();
      }
    });
  });
});
