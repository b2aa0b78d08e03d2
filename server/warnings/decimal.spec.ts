import { describe, expect, it } from 'vitest';
import { compare, divide } from './decimal.ts';
import { buildRuleQuery, sqlParamNames } from './warnings.queries.ts';

describe('exact measured values', () => {
  it('divides exactly and rounds half away from zero', () => {
    expect(divide('150.00', '100.00', 100)).toBe('150.00');
    expect(divide('230280', '609550', 100)).toBe('37.78');
    expect(divide('1', '3', 100)).toBe('33.33');
    expect(divide('2', '3', 100)).toBe('66.67');
    expect(divide('-15.00', '75.00', 100)).toBe('-20.00');
    expect(divide('0.005', '1', 1)).toBe('0.01');
    expect(divide('-0.005', '1', 1)).toBe('-0.01');
    expect(divide('123', '1', 1, 0)).toBe('123');
    expect(() => divide('1', '0')).toThrow(/division by zero/);
  });
  it('compares decimal strings', () => {
    expect(compare('1.10', '1.1')).toBe(0);
    expect(compare('-2', '1.5')).toBe(-1);
  });
});

describe('rule SQL binding', () => {
  it('binds only the parameters the SQL uses (comments ignored) and scopes regions', () => {
    const sql = '-- uses $not_this\nSELECT * FROM t WHERE a > $x::DECIMAL(9, 2);';
    expect(sqlParamNames(sql)).toEqual(['x']);
    const q = buildRuleQuery(sql, { x: '10', y: '2' }, { exclude: ['110101'] });
    expect(q.sql).toBe(
      'SELECT * FROM (\nSELECT * FROM t WHERE a > $x::DECIMAL(9, 2)\n) AS r WHERE NOT list_contains($scope_exclude::VARCHAR[], CAST(r.region_code AS VARCHAR))',
    );
    expect(Object.keys(q.params)).toEqual(['x', 'scope_exclude']);
    expect(() => buildRuleQuery(sql, {})).toThrow(/\$x/);
  });
});
