import { describe, expect, it } from 'vitest';
import { addMoney, formatMoney, formatPoints, formatRate, plainMoney, subtractMoney, toFen, fenToString } from './money';

describe('money', () => {
  it('parses decimal strings exactly', () => {
    expect(toFen('1234.5')).toBe(123450n);
    expect(toFen('-0.01')).toBe(-1n);
    expect(toFen('7')).toBe(700n);
    expect(toFen('0.005')).toBe(1n);
    expect(() => toFen('1e3')).toThrow();
    expect(fenToString(-5n)).toBe('-0.05');
  });

  it('adds without floating-point drift', () => {
    expect(addMoney('0.10', '0.20')).toBe('0.30');
    expect(addMoney('9999999999999999.99', '0.01')).toBe('10000000000000000.00');
    expect(addMoney('1.00', null, undefined, '-2.50')).toBe('-1.50');
    expect(subtractMoney('100.00', '0.01')).toBe('99.99');
  });

  it('formats in 元, 万元 and 亿元 with half-away-from-zero rounding', () => {
    expect(formatMoney('1234567.80', 'yuan')).toBe('1,234,567.80');
    expect(formatMoney('1234567.80', 'wan')).toBe('123.46');
    expect(formatMoney('12345.00', 'wan')).toBe('1.23');
    expect(formatMoney('15000.00', 'wan', 1)).toBe('1.5');
    expect(formatMoney('-15000.00', 'wan', 0)).toBe('-2');
    expect(formatMoney('123456789012.34', 'yi')).toBe('1,234.57');
    expect(formatMoney('-0.01', 'wan')).toBe('0.00');
    expect(formatMoney(null, 'wan')).toBe('—');
    // Beyond 2^53: a float would lose the last digits.
    expect(formatMoney('90071992547409931.23', 'yuan')).toBe('90,071,992,547,409,931.23');
    expect(plainMoney('1234567.80', 'wan')).toBe('123.46');
  });

  it('formats rates and points', () => {
    expect(formatRate(0.50012)).toBe('50.0%');
    expect(formatRate(null)).toBe('—');
    expect(formatPoints(0.1634)).toBe('+16.3');
    expect(formatPoints(-0.05)).toBe('-5.0');
  });
});
