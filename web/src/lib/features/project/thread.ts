/** Shapes of the project API and the life-thread helpers of the project page. */
import type { Cell } from '../../api/types';

export interface ProjectInfo {
  region: string;
  region_name: string | null;
  code: string;
  name: string;
  department: string;
  department_name: string | null;
  function_code: string;
  function_name: string | null;
  budget_type: string;
  budget_type_name: string | null;
  start_year: number;
  end_year: number | null;
}

export interface ProjectProfile {
  project: ProjectInfo;
  thread: Cell[];
  adjustments: Cell[];
}

export const THREAD_STAGES = ['approved', 'adjusted', 'executed', 'final'] as const;

/** The thread row of one year, or a row of nulls when the project has nothing that year. */
export function threadYear(thread: Cell[], year: number): Cell {
  return (
    thread.find((r) => Number(r.year) === year) ?? {
      year,
      approved: null,
      adjusted: null,
      executed: null,
      final: null,
      execution_rate: null,
    }
  );
}
