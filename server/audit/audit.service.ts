/** Shapes the R15 evidence into recurring chains for the audit page. */
import type { Postgres } from '../core/pg.ts';
import { listRecurringWarnings } from './audit.repository.ts';

export interface ChainLink {
  finding_code: string;
  audit_year: number;
  category: string;
  description: string;
  status: string | null;
  rectified_on: string | null;
  same_category: boolean | null;
}

export interface RecurringChain {
  warning_id: string;
  region: string;
  finding_code: string;
  subject_name: string;
  period: string;
  band: string;
  status: string;
  years_in_window: number | null;
  rectified_reappears: boolean;
  chain: ChainLink[];
}

const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

/** The R15 evidence (see recurring.service.ts): `{ years_in_window, rectified_reappears, chain: [...] }`. */
export function chainOf(w: {
  id: string;
  region_code: string;
  subject_id: string;
  subject_name: string;
  period: string;
  band: string;
  status: string;
  evidence: unknown;
}): RecurringChain {
  const ev = (typeof w.evidence === 'string' ? JSON.parse(w.evidence) : w.evidence) as Record<string, unknown> | null;
  const links = Array.isArray(ev?.chain) ? (ev.chain as Record<string, unknown>[]) : [];
  return {
    warning_id: String(w.id),
    region: w.region_code,
    finding_code: w.subject_id,
    subject_name: w.subject_name,
    period: w.period,
    band: w.band,
    status: w.status,
    years_in_window: typeof ev?.years_in_window === 'number' ? ev.years_in_window : null,
    rectified_reappears: ev?.rectified_reappears === true,
    chain: links.map((l) => ({
      finding_code: String(l.finding_code ?? ''),
      audit_year: Number(l.audit_year),
      category: String(l.category ?? ''),
      description: String(l.description ?? ''),
      status: str(l.status),
      rectified_on: str(l.rectified_on),
      same_category: typeof l.same_category === 'boolean' ? l.same_category : null,
    })),
  };
}

export async function recurringChains(pg: Postgres, regions: string[]): Promise<RecurringChain[]> {
  return (await listRecurringWarnings(pg.db, regions)).map(chainOf);
}
