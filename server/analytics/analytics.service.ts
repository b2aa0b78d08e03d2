/**
 * Runs the aggregate and facts queries: resolves the region scope, parses the mini-languages
 * (turning their errors into 400s), and shapes results for JSON or Arrow.
 */
import { Table, Utf8, Int32, Float64, vectorFromArray, tableToIPC, type Vector } from 'apache-arrow';
import type { Duck } from '../core/duck.ts';
import { badRequest, HttpError } from '../core/errors.ts';
import { ensureRollups } from './rollups.ts';
import {
  buildAggregate,
  buildFacts,
  buildRegionScope,
  buildTimeProgress,
  DIMENSIONS,
  FACT_ORDER_KEYS,
  MEASURES,
  parseCut,
  parseDrilldown,
  parseMeasures,
  parseOrder,
  QueryInputError,
  type CubeName,
  type DimensionName,
} from './analytics.queries.ts';
import type { AggregateQuerystring, FactsQuerystring } from './analytics.schema.ts';
import type { AuthUser } from '../auth/auth.types.ts';
import { assertRegionVisible, visibleRegions } from '../auth/region-scope.ts';

/** Who asks: their region scope, and their role for masking (deputies see no persons' names). */
export type Viewer = Pick<AuthUser, 'regionScope' | 'role'>;

type Cell = Record<string, string | number | null>;

function userError<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof QueryInputError) throw badRequest(err.message);
    throw err;
  }
}

/**
 * The regions a DuckDB query may read: the selected region (403 outside the viewer's scope) and,
 * when asked, its sub-regions, intersected with the viewer's scope. Every DuckDB query of the
 * analytics and debt routes takes its `regions` from here.
 */
export async function regionScope(
  duck: Duck,
  viewer: Pick<AuthUser, 'regionScope'>,
  region: string,
  withChildren = true,
): Promise<string[]> {
  assertRegionVisible(viewer, region);
  // Every page's first call: the rollups must be current before any aggregate reads them.
  await ensureRollups(duck);
  const q = buildRegionScope(region, withChildren);
  const rows = await duck.all<{ code: string }>(q.sql, q.params);
  // A region missing from the reference table still scopes to itself (its rows, if any).
  return visibleRegions(viewer, rows.length ? rows.map((r) => r.code) : [region]);
}

/** 张三 → 张*; a person's name among payees, as a deputy sees it. */
export function maskPersonName(name: string): string {
  const chars = [...name.trim()];
  if (chars.length <= 1) return '*';
  return chars[0] + '*'.repeat(Math.min(chars.length - 1, 3));
}

const seesPersonNames = (viewer: Viewer) => viewer.role !== 'deputy';

export async function aggregate(duck: Duck, viewer: Viewer, qs: AggregateQuerystring) {
  const cube: CubeName = qs.cube ?? 'budget';
  const page = qs.page ?? 1;
  const pagesize = qs.pagesize ?? 100;
  const { measures, drilldown, cuts, order } = userError(() => {
    const measures = parseMeasures(qs.measures, cube);
    const drilldown = parseDrilldown(qs.drilldown);
    const cuts = parseCut(qs.cut);
    const order = parseOrder(qs.order, [...drilldown, ...measures]);
    return { measures, drilldown, cuts, order };
  });
  if (!seesPersonNames(viewer) && cuts.some((c) => c.dim === 'payee')) {
    // Filtering by a payee's name would tell a deputy whether a given person was paid.
    throw new HttpError(403, 'forbidden', 'Your role may not filter by payee. / 您的角色不能按收款人筛选。');
  }
  const regions = await regionScope(duck, viewer, qs.region, qs.subregions ?? true);
  const yearCut = cuts.find((c) => c.dim === 'year');
  let asOf: string | null = null;
  let tp: number | null = null;
  if (yearCut && yearCut.values.length === 1) {
    const t = buildTimeProgress(Number(yearCut.values[0]), regions);
    const [row] = await duck.all<{ time_progress: number | null; as_of: string | null }>(t.sql, t.params);
    asOf = row?.as_of ?? null;
    tp = row?.time_progress ?? null;
  }
  const q = buildAggregate({ cube, regions, measures, drilldown, cuts, order, page, pagesize, timeProgress: tp });
  const rows = await duck.all<Cell>(q.sql, q.params);
  // _rn 0 is the summary over the whole cut (carrying the number of cells); 1… the page.
  const { _rn: _r0, _cells: cellCount, ...summaryAll } = rows.find((r) => r._rn === 0) ?? {};
  const summary: Cell = {};
  for (const m of measures) summary[m] = summaryAll[m] ?? null;
  const cells = drilldown.length
    ? rows
        .filter((r) => r._rn !== 0)
        .map((r) => {
          const { _rn: _r, _cells: _c, ...rest } = r;
          return rest;
        })
    : [summary];
  const total = drilldown.length ? Number(cellCount ?? 0) : 1;
  if (drilldown.includes('payee') && !seesPersonNames(viewer)) await maskPayeeCells(duck, regions, cells);
  return {
    cube,
    measures,
    drilldown,
    cut: cuts,
    regions,
    page,
    pagesize,
    total_cell_count: total,
    as_of: asOf,
    time_progress: tp,
    cells,
    summary,
  };
}

/** Masks, in place, the payee cells whose payee is a person (payee_kind 'individual'). */
async function maskPayeeCells(duck: Duck, regions: string[], cells: Cell[]): Promise<void> {
  const names = [...new Set(cells.map((c) => c.payee).filter((p): p is string => typeof p === 'string'))];
  if (names.length === 0) return;
  const persons = await duck.all<{ payee: string }>(
    `SELECT DISTINCT payee FROM payment WHERE payee_kind = 'individual' AND region_code IN (${regions.map(() => '?').join(', ')}) AND payee IN (${names.map(() => '?').join(', ')})`,
    [...regions, ...names],
  );
  const mask = new Set(persons.map((p) => p.payee));
  for (const c of cells) if (typeof c.payee === 'string' && mask.has(c.payee)) c.payee = maskPersonName(c.payee);
}

export async function facts(duck: Duck, viewer: Viewer, qs: FactsQuerystring) {
  const page = qs.page ?? 1;
  const pagesize = qs.pagesize ?? 50;
  const { cuts, order } = userError(() => ({ cuts: parseCut(qs.cut), order: parseOrder(qs.order, FACT_ORDER_KEYS) }));
  if (!seesPersonNames(viewer) && (cuts.some((c) => c.dim === 'payee') || order.some((o) => o.key === 'payee'))) {
    throw new HttpError(403, 'forbidden', 'Your role may not filter or sort by payee. / 您的角色不能按收款人筛选或排序。');
  }
  const regions = await regionScope(duck, viewer, qs.region, qs.subregions ?? true);
  const q = buildFacts({ regions, cuts, order, page, pagesize });
  const rows = await duck.all<Cell>(q.sql, q.params);
  const s = buildAggregate({
    cube: 'payments',
    regions,
    measures: ['executed', 'count'],
    drilldown: [],
    cuts,
    order: [],
    page: 1,
    pagesize: 1,
  });
  const [sum] = await duck.all<{ executed: string; count: number }>(s.sql, s.params);
  for (const r of rows) {
    delete r._rows;
    if (!seesPersonNames(viewer) && r.payee_kind === 'individual' && typeof r.payee === 'string') r.payee = maskPersonName(r.payee);
  }
  return { page, pagesize, total_fact_count: sum?.count ?? 0, total_amount: sum?.executed ?? '0.00', facts: rows };
}

/**
 * Arrow IPC stream of the cells. Money columns are Utf8 decimal strings in 元 (e.g. "1234.50"):
 * exact, and what the JSON carries too; rates are Float64; year, month and count are Int32.
 */
export function cellsToArrow(result: { drilldown: string[]; measures: string[]; cells: Cell[] }): Uint8Array {
  const cols: Record<string, Vector> = {};
  const column = (name: string) => result.cells.map((c) => c[name] ?? null);
  for (const d of result.drilldown as DimensionName[]) {
    const def: { kind: string; label?: unknown } = DIMENSIONS[d];
    cols[d] =
      def.kind === 'int' ? vectorFromArray(column(d) as (number | null)[], new Int32()) : vectorFromArray(column(d).map(str), new Utf8());
    if (def.label) cols[`${d}_name`] = vectorFromArray(column(`${d}_name`).map(str), new Utf8());
  }
  for (const m of result.measures as (keyof typeof MEASURES)[]) {
    if (MEASURES[m].money) cols[m] = vectorFromArray(column(m).map(str), new Utf8());
    else if (m === 'count') cols[m] = vectorFromArray(column(m) as (number | null)[], new Int32());
    else cols[m] = vectorFromArray(column(m) as (number | null)[], new Float64());
  }
  return tableToIPC(new Table(cols), 'stream');
}

const str = (v: string | number | null) => (v === null ? null : String(v));
