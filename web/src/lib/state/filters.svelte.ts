/**
 * The selectors in the top bar — region, year, money unit — shared by every page. The unit is
 * remembered in localStorage; region and year come from the data (meta) or the page URL.
 */
import type { MoneyUnit } from '../format/money';
import type { Meta } from '../api/types';

const UNIT_KEY = 'caijian.unit';

function initialUnit(): MoneyUnit {
  try {
    const u = globalThis.localStorage?.getItem(UNIT_KEY);
    return u === 'yuan' || u === 'yi' ? u : 'wan';
  } catch {
    return 'wan';
  }
}

export const filters = $state<{ region: string; year: number; unit: MoneyUnit; meta: Meta | undefined }>({
  region: '',
  year: 0,
  unit: initialUnit(),
  meta: undefined,
});

export function setUnit(unit: MoneyUnit): void {
  filters.unit = unit;
  try {
    globalThis.localStorage?.setItem(UNIT_KEY, unit);
  } catch {
    // Storage refused: the choice lasts for the session.
  }
}

/** Defaults once the data is known: the top region (the city) and the latest year. */
export function applyMeta(meta: Meta): void {
  filters.meta = meta;
  if (!filters.region) filters.region = meta.regions.find((r) => r.parent_code === null)?.code ?? meta.regions[0]?.code ?? '';
  if (!filters.year)
    filters.year = meta.years[meta.years.length - 1] ?? Number(new Intl.DateTimeFormat('en', { year: 'numeric' }).format(Date.now()));
}

export function regionName(code: string): string {
  return filters.meta?.regions.find((r) => r.code === code)?.name ?? code;
}
