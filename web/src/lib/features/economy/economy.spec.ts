import { describe, expect, it } from 'vitest';
import { monthsCovered, seriesOf } from './economy';

describe('economy shaping', () => {
  it('knows how much of a year a period covers', () => {
    expect(monthsCovered('2026')).toBe(12);
    expect(monthsCovered('2026-Q3')).toBe(9);
    expect(monthsCovered('2026-09')).toBe(9);
    expect(monthsCovered('bad')).toBe(0);
  });
  it('orders periods in time and keeps one region and plan', () => {
    const s = seriesOf(
      [
        { region: '990100', plan: 'annual', period: '2026', target_value: '6.0000', actual_value: null },
        { region: '990100', plan: 'annual', period: '2026-Q1', target_value: null, actual_value: '1.5000' },
        { region: '990100', plan: 'annual', period: '2025', target_value: '5.5000', actual_value: '5.6000' },
        { region: '990102', plan: 'annual', period: '2026-Q1', target_value: null, actual_value: '9' },
      ],
      '990100',
      'annual',
    );
    expect(s.periods).toEqual(['2025', '2026-Q1', '2026']);
    expect(s.actual).toEqual([5.6, 1.5, null]);
  });
});
