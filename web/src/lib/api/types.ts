/** Shapes of the API responses the pages read (money as decimal strings in 元). */
export type Cell = Record<string, string | number | null>;

export interface AggregateResult {
  cube: string;
  measures: string[];
  drilldown: string[];
  page: number;
  pagesize: number;
  total_cell_count: number;
  as_of: string | null;
  time_progress: number | null;
  cells: Cell[];
  summary: Cell;
}

export interface FactsResult {
  page: number;
  pagesize: number;
  total_fact_count: number;
  total_amount: string;
  facts: Cell[];
}

export interface Meta {
  regions: { code: string; name: string; parent_code: string | null; level: string }[];
  years: number[];
  as_of: string | null;
}
