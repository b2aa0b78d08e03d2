import { describe, expect, it } from 'vitest';
import { chainRows, findingPivot } from './audit';

describe('findingPivot', () => {
  it('counts per year and sums amounts exactly', () => {
    const p = findingPivot([
      { audit_year: 2024, category: 'A', findings: 2, amount: '0.10' },
      { audit_year: 2025, category: 'A', findings: 1, amount: '0.20' },
      { audit_year: 2025, category: 'B', findings: 5, amount: '1.00' },
    ]);
    expect(p.years).toEqual([2024, 2025]);
    expect(p.rows).toEqual([
      { category: 'B', total: 5, amount: '1.00', y2024: 0, y2025: 5 },
      { category: 'A', total: 3, amount: '0.30', y2024: 2, y2025: 1 },
    ]);
  });
});

describe('chainRows', () => {
  it('flattens each chain into its findings', () => {
    const rows = chainRows([
      {
        warning_id: '1',
        region: '990100',
        finding_code: 'F3',
        subject_name: 'X：Y',
        period: '2026',
        band: 'red',
        status: 'new',
        years_in_window: 3,
        rectified_reappears: false,
        chain: [
          {
            finding_code: 'F1',
            audit_year: 2024,
            category: 'Y',
            description: 'd1',
            status: 'rectified',
            rectified_on: '2024-10-01',
            same_category: true,
          },
          { finding_code: 'F3', audit_year: 2026, category: 'Y', description: 'd3', status: null, rectified_on: null, same_category: null },
        ],
      },
    ]);
    expect(rows.map((r) => [r.step, r.finding_code])).toEqual([
      [1, 'F1'],
      [2, 'F3'],
    ]);
  });
});
