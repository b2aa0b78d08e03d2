import { describe, expect, it } from 'vitest';
import { buildCurve, timeProgressAt } from './curve';

describe('monthly curve', () => {
  it('time progress at month ends and at the as-of date', () => {
    expect(timeProgressAt(2026, 1)).toBeCloseTo(31 / 365, 12);
    expect(timeProgressAt(2026, 12)).toBe(1);
    expect(timeProgressAt(2024, 2)).toBeCloseTo(60 / 366, 12);
    expect(timeProgressAt(2026, 10, '2026-10-31')).toBeCloseTo(304 / 365, 12);
    expect(timeProgressAt(2026, 6, '2026-06-15')).toBeCloseTo(166 / 365, 12);
  });

  it('accumulates exactly and stops at the as-of month', () => {
    const c = buildCurve(
      2026,
      [
        { month: 1, executed: '0.10' },
        { month: 3, executed: '0.20' },
      ],
      '1.00',
      '2026-03-31',
    );
    expect(c.map((p) => p.cumulative)).toEqual(['0.10', '0.10', '0.30']);
    expect(c[2]!.rate).toBeCloseTo(0.3, 12);
    expect(c).toHaveLength(3);
  });
});
