import { describe, expect, it } from 'vitest';
import { formatDecimal, plainDecimal } from './values';

describe('formatDecimal', () => {
  it('drops trailing zeros and groups digits exactly', () => {
    expect(formatDecimal('16.0000')).toBe('16');
    expect(formatDecimal('99.5000')).toBe('99.5');
    expect(formatDecimal('1234567.0100')).toBe('1,234,567.01');
    expect(formatDecimal('-0.2500')).toBe('-0.25');
    expect(formatDecimal('12345678901234567.1234')).toBe('12,345,678,901,234,567.1234');
    expect(formatDecimal(null)).toBe('—');
    expect(plainDecimal('1234.5000')).toBe('1234.5');
    expect(plainDecimal(null)).toBeNull();
  });
});
