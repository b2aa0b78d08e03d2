import { describe, expect, it } from 'vitest';
import { decodeState, encodeState, nextLevel, pathToCut, type ExplorerState } from './drill';

const state: ExplorerState = {
  region: '990100',
  year: 2026,
  compareYear: 2025,
  path: [
    { dim: 'budget_type', value: 'general' },
    { dim: 'function_1', value: '205' },
    { dim: 'payee', value: '临江市某某建筑有限公司' },
  ],
  page: 3,
};

describe('explorer URL state', () => {
  it('round-trips', () => {
    const p = encodeState(state);
    expect(p.toString()).toBe(
      'region=990100&year=2026&cmp=2025&drill=budget_type%3Ageneral%7Cfunction_1%3A205%7Cpayee%3A%25E4%25B8%25B4%25E6%25B1%259F%25E5%25B8%2582%25E6%259F%2590%25E6%259F%2590%25E5%25BB%25BA%25E7%25AD%2591%25E6%259C%2589%25E9%2599%2590%25E5%2585%25AC%25E5%258F%25B8&page=3',
    );
    expect(decodeState(new URLSearchParams(p.toString()), { region: 'x', year: 1 })).toEqual(state);
  });

  it('drops what it cannot trust', () => {
    const s = decodeState(
      new URLSearchParams('region=abc&year=x&drill=salary:1|function_1:205|budget_type:general|project:a%257Cb&page=-2'),
      {
        region: '990100',
        year: 2026,
      },
    );
    expect(s).toEqual({ region: '990100', year: 2026, compareYear: null, path: [{ dim: 'function_1', value: '205' }], page: 1 });
  });

  it('knows the next level and builds the cut', () => {
    expect(nextLevel([])).toBe('region');
    expect(nextLevel(state.path)).toBe('region');
    expect(nextLevel([{ dim: 'region', value: '990100' }, ...state.path.slice(0, 2)])).toBe('function_2');
    expect(pathToCut(state.path, 2026)).toBe('year:2026|budget_type:general|function_1:205|payee:临江市某某建筑有限公司');
  });
});
