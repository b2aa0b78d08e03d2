/**
 * The budget explorer's drill path and its encoding in the URL, so that any view can be
 * bookmarked or sent: `?region=990100&year=2026&cmp=2025&drill=budget_type:general|function_1:205`.
 */

/** The order of the drill-down (DOMAIN.md): region → budget type → 类 → 款 → 项 → department →
 * project → economic class → payee, then the payments themselves. */
export const DRILL_LEVELS = [
  'region',
  'budget_type',
  'function_1',
  'function_2',
  'function_3',
  'department',
  'project',
  'economic',
  'payee',
] as const;
export type DrillLevel = (typeof DRILL_LEVELS)[number];

export interface DrillStep {
  dim: DrillLevel;
  value: string;
}

export interface ExplorerState {
  region: string;
  year: number;
  /** A second year shown beside the first. */
  compareYear: number | null;
  path: DrillStep[];
  page: number;
}

/** The level shown after the path; 'payments' once every level is cut. */
export function nextLevel(path: DrillStep[]): DrillLevel | 'payments' {
  const used = new Set(path.map((s) => s.dim));
  return DRILL_LEVELS.find((l) => !used.has(l)) ?? 'payments';
}

/** `dim:value|dim:value` — the same grammar as the API's `cut`, values escaped. */
export function pathToCut(path: DrillStep[], year?: number): string {
  const parts = path.map((s) => `${s.dim}:${s.value}`);
  if (year !== undefined) parts.unshift(`year:${year}`);
  return parts.join('|');
}

export function encodeState(s: ExplorerState): URLSearchParams {
  const p = new URLSearchParams();
  p.set('region', s.region);
  p.set('year', String(s.year));
  if (s.compareYear !== null) p.set('cmp', String(s.compareYear));
  if (s.path.length) p.set('drill', s.path.map((x) => `${x.dim}:${encodeURIComponent(x.value)}`).join('|'));
  if (s.page > 1) p.set('page', String(s.page));
  return p;
}

/** Lenient: unknown levels, repeated levels, levels out of order and bad numbers are dropped. */
export function decodeState(p: URLSearchParams, defaults: { region: string; year: number }): ExplorerState {
  const region = /^\d{6}$/.test(p.get('region') ?? '') ? p.get('region')! : defaults.region;
  const year = int(p.get('year')) ?? defaults.year;
  const compareYear = int(p.get('cmp'));
  const path: DrillStep[] = [];
  let lastIndex = -1;
  for (const part of (p.get('drill') ?? '').split('|')) {
    const i = part.indexOf(':');
    if (i <= 0) continue;
    const dim = part.slice(0, i) as DrillLevel;
    const idx = DRILL_LEVELS.indexOf(dim);
    if (idx <= lastIndex) continue;
    let value: string;
    try {
      value = decodeURIComponent(part.slice(i + 1));
    } catch {
      continue;
    }
    if (!value || /[|;]/.test(value)) continue;
    path.push({ dim, value });
    lastIndex = idx;
  }
  const page = Math.max(1, int(p.get('page')) ?? 1);
  return { region, year, compareYear: compareYear === year ? null : compareYear, path, page };
}

function int(v: string | null): number | null {
  return v !== null && /^\d{1,4}$/.test(v) ? Number(v) : null;
}
