import { describe, expect, it } from 'vitest';
import { categoryPivot, trendSeries } from './assets';

describe('assets shaping', () => {
  it('pivots the trend by kind with gaps as null', () => {
    const t = trendSeries([
      { year: 2025, kind: 'enterprise', assets: '2.00' },
      { year: 2024, kind: 'enterprise', assets: '1.00' },
      { year: 2025, kind: 'natural', assets: '5.00' },
    ]);
    expect(t.years).toEqual([2024, 2025]);
    expect(t.byKind.enterprise).toEqual(['1.00', '2.00']);
    expect(t.byKind.natural).toEqual([null, '5.00']);
    expect(t.byKind.financial).toEqual([null, null]);
  });
  it('pivots category × status', () => {
    expect(
      categoryPivot([
        { category: 'vehicle', status: 'idle', original_value: '10.00' },
        { category: 'vehicle', status: 'in_use', original_value: '90.00' },
      ]),
    ).toEqual([{ category: 'vehicle', in_use: '90.00', idle: '10.00', rented: null, disposed: null }]);
  });
});
