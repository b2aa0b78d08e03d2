import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { readCsv } from './read/csv.ts';
import { fenToString, normaliseCode, parseDate, parseDecimal4, parseMoneyFen } from './normalise.ts';
import { parseSource } from './parse.ts';
import { addRef, emptyRefs, type RefSets } from './validate.ts';
import { canonicalHeaders } from './kinds.ts';
import { DEPARTMENTS, ECONOMICS, FUNCTIONS, REGIONS, csv, paymentRow } from './testdata/make.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'etl-read-'));

function refs(): RefSets {
  const r = emptyRefs();
  for (const x of REGIONS) r.region.add(x[0] as string);
  for (const x of FUNCTIONS) r.function_class.add(x[0] as string);
  for (const x of ECONOMICS) r.economic_class.add(x[0] as string);
  for (const d of DEPARTMENTS) addRef(r.department, d[0] as string, d[1] as string);
  addRef(r.project, '990000', 'P2026001');
  addRef(r.project, '990000', 'P2026002');
  return r;
}

async function parse(file: string, acceptPartial = false) {
  const res = await parseSource({
    file,
    name: path.basename(file),
    refs: refs(),
    maxLen: new Map([['payment', new Map([['voucher_no', 32]])]]),
    stagePath: `${file}.stage`,
    batchId: 7,
    acceptPartial,
  });
  const staged = fs.existsSync(`${file}.stage`) ? fs.readFileSync(`${file}.stage`, 'utf8') : '';
  return { res, staged, lines: staged.split('\n').filter(Boolean) };
}

describe('normalise', () => {
  it('converts units to 元 exactly and refuses sub-fen precision', () => {
    expect(parseMoneyFen('1.234567', '万元')).toBe(1234567);
    expect(fenToString(parseMoneyFen('1.234567', '万元') as number)).toBe('12345.67');
    expect(parseMoneyFen('1.2345678', '万元')).toBe('precision');
    expect(parseMoneyFen('0.00000000001', '亿元')).toBe('precision');
    expect(parseMoneyFen('3.5', '亿元')).toBe(35000000000);
    expect(parseMoneyFen('1,234,567.89', '元')).toBe(123456789);
    expect(parseMoneyFen('１，２３４.５', '元')).toBe(123450);
    expect(parseMoneyFen(' 1 234.5 ', '元')).toBe(123450);
    expect(parseMoneyFen('12.345', '元')).toBe('precision');
    expect(parseMoneyFen('abc', '元')).toBe('not_a_number');
    expect(parseMoneyFen('-0.01', '元')).toBe(-1);
    expect(fenToString(-1)).toBe('-0.01');
    expect(parseDecimal4('2.85')).toBe('2.8500');
  });
  it('pads codes stored as numbers back to their width', () => {
    expect(normaliseCode('1001', [6, 9, 12])).toBe('001001');
    expect(normaliseCode('2050101', [3, 5, 7])).toBe('2050101');
    expect(normaliseCode('２０５０１', [3, 5, 7])).toBe('20501');
    expect(normaliseCode('2050101.0', [3, 5, 7])).toBe('2050101');
    expect(normaliseCode('20501011', [3, 5, 7])).toBeUndefined();
    expect(normaliseCode('20A', [3])).toBeUndefined();
  });
  it('reads the date forms kinds.ts lists', () => {
    expect(parseDate('2026-03-01')).toBe('2026-03-01');
    expect(parseDate('2026/3/1')).toBe('2026-03-01');
    expect(parseDate('2026年3月1日')).toBe('2026-03-01');
    expect(parseDate('２０２６－０３－０１')).toBe('2026-03-01');
    expect(parseDate('2026-02-30')).toBeUndefined();
    expect(parseDate('46082', true)).toBe('2026-03-01');
    expect(parseDate('46082')).toBeUndefined();
  });
});

describe('CSV reader', () => {
  const rows = [
    canonicalHeaders('payments'),
    paymentRow(1),
    ['990000', '2026-01-02', 'Q1', '001001', '', '2050101', '30101', '一般公共预算', '某"公司",\n二部', '单位', '5.00'],
  ];
  const text = csv(rows);
  it.each([
    ['utf8', Buffer.from(text, 'utf8')],
    ['utf8-bom', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')])],
    ['gbk', iconv.encode(text, 'gbk')],
  ])('reads %s with quoted fields and CRLF', async (name, bytes) => {
    const file = path.join(tmp, `${name}.csv`);
    fs.writeFileSync(file, bytes);
    const got: string[][] = [];
    const r = await readCsv(file, (cells) => got.push(cells));
    expect(r.encoding).toBe(name === 'gbk' ? 'gbk' : 'utf-8');
    expect(got[0]?.[0]).toBe('区划代码');
    expect(got[2]?.[8]).toBe('某"公司",\n二部');
    expect(got).toHaveLength(3);
  });
});

describe('flat CSV validation', () => {
  it('reports rejected rows with file, row, column, code and readable messages; stages nothing', async () => {
    const h = canonicalHeaders('payments');
    const file = path.join(tmp, 'payments_990102_2026.csv');
    const bad = (i: number, col: number, v: string) => {
      const r = paymentRow(i);
      r[col] = v;
      return r;
    };
    fs.writeFileSync(
      file,
      csv([
        h,
        paymentRow(1),
        bad(2, 5, '2130599'),
        bad(3, 1, '2026-13-01'),
        bad(4, 10, '12.345'),
        bad(5, 0, '990999'),
        bad(6, 9, '法人'),
        bad(7, 8, ''),
        bad(8, 10, '一百'),
        paymentRow(1),
      ]),
    );
    const { res, lines } = await parse(file);
    const rej = res.rejects.listed;
    expect(rej.map((r) => [r.row, r.column, r.code])).toEqual([
      [3, '功能科目编码', 'unknown_code'],
      [4, '支付日期', 'bad_date'],
      [5, '支付金额', 'precision'],
      [6, '区划代码', 'unknown_region'],
      [7, '收款人类型', 'bad_enum'],
      [8, '收款人', 'missing_value'],
      [9, '支付金额', 'not_a_number'],
      [10, undefined, 'duplicate_key'],
    ]);
    expect(`${rej[0]?.message_zh} / ${rej[0]?.message_en}`).toBe(
      'payments_990102_2026.csv 第 3 行 "功能科目编码" 列：科目编码 2130599 不在支出功能分类中 / row 3, column "function code": 2130599 is not a known function class',
    );
    expect(rej[7]?.message_zh).toContain('与第 2 行重复');
    expect(res.rejects.rows).toBe(8);
    expect(lines).toHaveLength(1); // staging stops at the first reject: a rejected file loads nothing
  });

  it('rejects a row shifted by an unquoted comma instead of loading a wrong amount; a trailing empty field is fine', async () => {
    const file = path.join(tmp, 'shifted.csv');
    const line = (r: string[]) => r.join(',');
    const shifted = paymentRow(2);
    shifted[10] = '1,000.00'; // written without quotes, as a hand-made CSV often is
    fs.writeFileSync(
      file,
      [line(canonicalHeaders('payments')), line(paymentRow(1)), line(shifted), `${line(paymentRow(3))},`, ''].join('\n'),
    );
    const { res } = await parse(file, true);
    expect(res.rejects.listed.map((r) => [r.row, r.code, r.message_en])).toEqual([
      [
        3,
        'field_count',
        'row 3: the row has 12 fields but the header has 11: probably an unquoted comma (an amount such as 1,000.00, or a comma in a name)',
      ],
    ]);
    expect(res.rejects.listed[0]?.message_zh).toBe(
      'shifted.csv 第 3 行：本行有 12 个字段，表头只有 11 个：可能有未加引号的逗号（如金额 1,000.00 或名称中的逗号）',
    );
    expect(res.stage?.rows).toBe(2);
  });

  it('with acceptPartial stages the valid rows and derives year from paid_on', async () => {
    const file = path.join(tmp, 'partial.csv');
    const r2 = paymentRow(2);
    r2[5] = '999';
    fs.writeFileSync(file, csv([canonicalHeaders('payments'), paymentRow(1), r2, paymentRow(3)]));
    const { res, lines } = await parse(file, true);
    expect(res.rejects.rows).toBe(1);
    expect(lines).toHaveLength(2);
    expect(lines[0]?.split(',').slice(-3)).toEqual([paymentRow(1)[10], '2026', '7']);
  });

  it('handles full-width digits, stray spaces, thousands separators, codes as numbers, title and unit rows', async () => {
    const file = path.join(tmp, 'messy.csv');
    const r = paymentRow(1);
    r[1] = '２０２６年２月３日';
    r[3] = '1001';
    r[10] = '" １,２３４.５ "';
    fs.writeFileSync(
      file,
      ['临江市2026年国库集中支付明细', '单位：万元', canonicalHeaders('payments').join(','), r.join(','), '合计,,,,,,,,,,0.1234'].join(
        '\n',
      ),
    );
    const { res, lines } = await parse(file);
    expect(res.rejects.listed).toEqual([]);
    const cells = lines[0]?.split(',') ?? [];
    expect(cells[1]).toBe('2026-02-03');
    expect(cells[3]).toBe('001001');
    expect(cells[10]).toBe('12345000.00');
    expect(res.subtotals).toHaveLength(1);
    expect(res.subtotals[0]).toMatchObject({ row: 5, stated: '1234.00', computed: '12345000.00' });
  });
});

describe('XLSX', () => {
  it('finds the header under title and unit rows, resolves merged headers, checks subtotals', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('支付明细');
    const h = canonicalHeaders('payments');
    ws.getCell('A1').value = '临江市2026年支付明细表';
    ws.mergeCells(1, 1, 1, h.length);
    ws.getCell('K2').value = '单位：万元';
    // Two-level header: "凭证" over 支付日期/凭证号; the others merged vertically.
    h.forEach((t, i) => {
      if (i === 1 || i === 2) return;
      ws.getCell(3, i + 1).value = t;
      ws.mergeCells(3, i + 1, 4, i + 1);
    });
    ws.getCell(3, 2).value = '凭证';
    ws.mergeCells(3, 2, 3, 3);
    ws.getCell(4, 2).value = '支付日期';
    ws.getCell(4, 3).value = '凭证号';
    const row = (i: number, amount: number | string) => {
      const r: (string | number | Date)[] = paymentRow(i);
      r[0] = 990000;
      r[1] = new Date(Date.UTC(2026, 2, 1));
      r[3] = 1001;
      r[5] = 2050101;
      r[10] = amount;
      return r;
    };
    ws.addRow(row(1, 1.234567));
    ws.addRow(row(3, '２.５'));
    ws.addRow(['小计', '', '', '', '', '', '', '', '', '', 3.734567]);
    ws.addRow(row(5, 1));
    ws.addRow(['合计', '', '', '', '', '', '', '', '', '', 9]);
    const file = path.join(tmp, 'payments.xlsx');
    await wb.xlsx.writeFile(file);
    const { res, lines } = await parse(file);
    expect(res.kind).toBe('payments');
    expect(res.rejects.listed).toEqual([]);
    expect(lines).toHaveLength(3);
    expect(lines[0]?.split(',')).toEqual(expect.arrayContaining(['990000', '2026-03-01', '001001', '2050101', '12345.67', '2026']));
    expect(res.subtotalsChecked).toBe(2);
    expect(res.subtotals).toEqual([
      expect.objectContaining({
        file: 'payments.xlsx',
        sheet: '支付明细',
        row: 9,
        label: '合计',
        stated: '90000.00',
        computed: '47345.67',
      }),
    ]);
  });
});
