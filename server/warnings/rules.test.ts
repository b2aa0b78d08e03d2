/**
 * Every rule on a small hand-computed city (seed.ts), inserted straight into DuckDB. The
 * arithmetic is written next to each expectation. As-of date for in-year rules: the latest
 * payment loaded, 2025-10-31 (day 304 of 365).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDuck } from '../../test/db.ts';
import type { Duck } from '../core/duck.ts';
import { previewRule } from './warnings.service.ts';
import { RULES } from './rules.ts';
import { CITY, DISTRICT, seedSmallCity } from './seed.ts';

let duck: Duck;
beforeAll(async () => {
  duck = await openTestDuck();
  await seedSmallCity(duck);
});
afterAll(async () => duck.close());

const fired = async (rule: string, params: Record<string, string | null> = {}) =>
  (await previewRule({ duck }, rule, params))
    .map((w) => ({ region: w.region_code, subject: `${w.subject_type}:${w.subject_id}`, period: w.period, value: w.value, band: w.band }))
    .sort((a, b) => a.subject.localeCompare(b.subject) || a.region.localeCompare(b.region));

describe('warning rules on hand-computed data', () => {
  it('covers every area with at least 18 rules, each with a SQL file', () => {
    expect(RULES.length).toBeGreaterThanOrEqual(18);
    expect(new Set(RULES.map((r) => r.area))).toEqual(new Set(['budget', 'debt', 'revenue', 'audit', 'assets', 'economy', 'disclosure']));
  });

  it('R1 execution lag: allocation 1000+500+100 + (100−30) = 1670; (304×1670 − 760×365) ÷ (365×1670) = 37.78 pp → red', async () => {
    expect(await fired('R1')).toEqual([{ region: CITY, subject: 'department:D1', period: '2025', value: '37.78', band: 'red' }]);
    // With the red line moved above the lag it is yellow; with the yellow line too, nothing.
    expect((await fired('R1', { red_pp: '40' }))[0]?.band).toBe('yellow');
    expect(await fired('R1', { yellow_pp: '37.78', red_pp: '40' })).toEqual([]);
    // An earlier as-of date: 2025-06-30 is day 181; paid 460 of 1670 → (181×1670 − 460×365) ÷ 609550 = 22.04 pp.
    expect((await fired('R1', { as_of: '2025-06-30' }))[0]?.value).toBe('22.04');
  });

  it('R2 project execution late in the year: P1 60 ÷ (500+100) = 10 %, P2 0 ÷ (100−30) = 0 %', async () => {
    expect(await fired('R2')).toEqual([
      { region: CITY, subject: 'project:P1', period: '2025', value: '10.00', band: 'orange' },
      { region: CITY, subject: 'project:P2', period: '2025', value: '0.00', band: 'orange' },
    ]);
    // Not "late in the year" yet on 2025-06-30 (day 181 of 365 < 75 %).
    expect(await fired('R2', { as_of: '2025-06-30' })).toEqual([]);
  });

  it('R3 three years below 50 %, as-of year included: P1 20/100 (2023), 30/100 (2024), 60/600 (2025 to date) → highest 30 %', async () => {
    expect(await fired('R3')).toEqual([{ region: CITY, subject: 'project:P1', period: '2023-2025', value: '30.00', band: 'orange' }]);
    expect(await fired('R3', { max_rate_pct: '25' })).toEqual([]);
  });

  it('R4 year-end surge: Nov+Dec 500 ÷ 1150 = 43.48 % (not > 50), December 350 ÷ 1150 = 30.43 % > 30', async () => {
    const r = await previewRule({ duck }, 'R4');
    expect(r.map((w) => [w.subject_id, w.period, w.value, w.band, w.evidence.measure])).toEqual([
      ['D1', '2024', '30.43', 'orange', 'dec_share'],
    ]);
  });

  it('R5 三公: final 25 + 28 = 53 vs budget 20 + 30 = 50 → 6 % over; table 7 final 120 ≠ 20 + 50 + 40 → 10 元', async () => {
    expect(await fired('R5')).toEqual([
      { region: CITY, subject: 'department:D1', period: '2024', value: '6.00', band: 'orange' },
      { region: CITY, subject: 'disclosure_table:D1/2024/final/7', period: '2024', value: '10.00', band: 'orange' },
    ]);
  });

  it('R6 large adjustment: P2 |−30| ÷ 100 = 30 % > 20; P1 100 ÷ 500 = 20 % is not above 20', async () => {
    expect(await fired('R6')).toEqual([{ region: CITY, subject: 'project:P2', period: '2025', value: '30.00', band: 'yellow' }]);
  });

  it('R7 "other" items: 30299 500 ÷ (1000+500+100) = 31.25 %', async () => {
    expect(await fired('R7')).toEqual([{ region: CITY, subject: 'department:D1', period: '2025', value: '31.25', band: 'yellow' }]);
  });

  it('R8 carry-over: 300 ÷ (1000 + 100 + 20 + 30) = 26.09 %', async () => {
    expect(await fired('R8')).toEqual([{ region: CITY, subject: 'department:D1', period: '2024', value: '26.09', band: 'yellow' }]);
  });

  it('R9 idle special bonds: B3 spent nothing in its first six months (100 came later: orange), B4 nothing in twelve (red)', async () => {
    expect(await fired('R9')).toEqual([
      { region: CITY, subject: 'bond:B3', period: '2025', value: '0.00', band: 'orange' },
      { region: CITY, subject: 'bond:B4', period: '2024', value: '0.00', band: 'red' },
    ]);
  });

  it('R10 debt ratio: balance 150 ÷ capacity (60+20+15+5) = 150 % → yellow; bands move with parameters', async () => {
    expect(await fired('R10')).toEqual([{ region: CITY, subject: `region:${CITY}`, period: '2025', value: '150.00', band: 'yellow' }]);
    expect((await fired('R10', { orange_pct: '150' }))[0]?.band).toBe('orange');
    expect((await fired('R10', { red_pct: '150' }))[0]?.band).toBe('red');
    expect(await fired('R10', { yellow_pct: '150.01' })).toEqual([]);
  });

  it('R11 debt service (12+2+3) ÷ 100 = 17 % > 15 yellow; general interest 2 ÷ 80 = 2.5 %; special interest 3 ÷ 20 = 15 % > 10', async () => {
    expect(await fired('R11')).toEqual([
      { region: CITY, subject: 'debt_type:special', period: '2025', value: '15.00', band: 'red' },
      { region: CITY, subject: `region:${CITY}`, period: '2025', value: '17.00', band: 'yellow' },
    ]);
    // With the interest line at 2 %, the region's warning shows the interest ratio instead.
    expect((await fired('R11', { interest_pct: '2' })).find((w) => w.subject === `region:${CITY}`)).toMatchObject({
      value: '2.50',
      band: 'red',
    });
  });

  it('R12 overdue ratio: 30 ÷ 150 = 20 % → medium (orange)', async () => {
    expect(await fired('R12')).toEqual([{ region: CITY, subject: `region:${CITY}`, period: '2025', value: '20.00', band: 'orange' }]);
  });

  it('R13 limit utilisation: district general 95/100 flag, special 60/50 breach, total 155/150 breach', async () => {
    expect(await fired('R13')).toEqual([
      { region: DISTRICT, subject: 'debt_type:general', period: '2025', value: '95.00', band: 'yellow' },
      { region: DISTRICT, subject: 'debt_type:special', period: '2025', value: '120.00', band: 'red' },
      { region: DISTRICT, subject: `region:${DISTRICT}`, period: '2025', value: '103.33', band: 'red' },
    ]);
  });

  it('R14 revenue: (60 − 75) ÷ 75 = −20 % → red (fall > 10 %)', async () => {
    expect(await fired('R14')).toEqual([{ region: CITY, subject: `region:${CITY}`, period: '2025', value: '-20.00', band: 'red' }]);
  });

  it('R15 recurring: same unit + category in 2023 and 2025; a rectified 2021 finding reworded in 2025', async () => {
    const r = await previewRule({ duck }, 'R15');
    const byId = Object.fromEntries(r.map((w) => [w.subject_id, w]));
    expect(Object.keys(byId).sort()).toEqual(['F3', 'F4']);
    expect(byId.F3?.value).toBe('2');
    expect((byId.F3?.evidence.chain as { finding_code: string }[]).map((c) => c.finding_code)).toEqual(['F0', 'F3']);
    expect(byId.F4?.band).toBe('red');
    expect(byId.F4?.evidence.rectified_reappears).toBe(true);
    // Without the wording match (threshold 1), F4's earlier finding has another category: no chain.
    expect((await previewRule({ duck }, 'R15', { similarity: '1' })).map((w) => w.subject_id)).toEqual(['F3']);
  });

  it('R16 rectification overdue: F1 due 2025-06-30, in progress on 2025-10-31 → 123 days', async () => {
    expect(await fired('R16')).toEqual([{ region: CITY, subject: 'audit_finding:F1', period: '2024', value: '123', band: 'orange' }]);
  });

  it('R17 SOE: E1 75 ÷ 100 = 75 % > 70; E2 losses in 2024 and 2025 (−5 − 3 = −8 元); financial E3 (90 %) not judged on leverage', async () => {
    expect(await fired('R17')).toEqual([
      { region: CITY, subject: 'enterprise:E1', period: '2025', value: '75.00', band: 'orange' },
      { region: CITY, subject: 'enterprise:E2', period: '2025', value: '-8.00', band: 'orange' },
    ]);
  });

  it('R18 idle assets: 30 ÷ (30 + 170), disposed excluded = 15 %', async () => {
    expect(await fired('R18')).toEqual([{ region: CITY, subject: 'department:D1', period: '2025', value: '15.00', band: 'yellow' }]);
  });

  it('R19 plan indicator: GDP 600 by September vs 1000 × 9/12 = 750 → 80 %', async () => {
    expect(await fired('R19')).toEqual([{ region: CITY, subject: 'indicator:GDP', period: '2025-09', value: '80.00', band: 'yellow' }]);
  });

  it('R20 identities: table 3 500 ≠ 300 + 150 (50 元); table 1 1000 + 100 = 600 + 200 + 300 balances', async () => {
    expect(await fired('R20')).toEqual([
      { region: CITY, subject: 'disclosure_table:D1/2024/approved/3', period: '2024', value: '50.00', band: 'orange' },
    ]);
  });
});
