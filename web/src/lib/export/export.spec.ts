import { describe, expect, it } from 'vitest';
import { crc32, neutralise, toCsv, toXlsx } from './export';

const table = {
  columns: [
    { header: '收款人', kind: 'text' as const },
    { header: '金额（万元）', kind: 'number' as const },
  ],
  rows: [
    ['=HYPERLINK("http://x")', '-1234.50'],
    ['某公司, "有限"', '0.10'],
    ['@SUM(A1)', null],
  ],
};

describe('export', () => {
  it('neutralises formula-looking text', () => {
    expect(neutralise('=1+1')).toBe("'=1+1");
    expect(neutralise('+86')).toBe("'+86");
    expect(neutralise('-x')).toBe("'-x");
    expect(neutralise('@a')).toBe("'@a");
    expect(neutralise('临江')).toBe('临江');
  });

  it('writes CSV with a BOM, quoting, numbers left as numbers', () => {
    expect(toCsv(table)).toBe(
      '\uFEFF收款人,金额（万元）\r\n"\'=HYPERLINK(""http://x"")",-1234.50\r\n"某公司, ""有限""",0.10\r\n\'@SUM(A1),\r\n',
    );
  });

  it('writes an XLSX zip whose sheet holds the cells', () => {
    const bytes = toXlsx(table, '支付明细');
    expect(bytes[0]).toBe(0x50);
    expect(bytes[1]).toBe(0x4b);
    const text = new TextDecoder().decode(bytes);
    expect(text).toContain('<c r="B2"><v>-1234.50</v></c>');
    expect(text).toContain(`<t xml:space="preserve">'=HYPERLINK(&quot;http://x&quot;)</t>`);
    expect(text).toContain('name="支付明细"');
  });

  it('computes the standard CRC-32', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });
});
