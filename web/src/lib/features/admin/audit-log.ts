/**
 * The audit-trail page's pure parts: times (the server speaks UTC; the page shows and takes local
 * time, saying which zone), the URL that holds the search, and rows flattened for the table.
 */
import { AUDIT_ACTIONS } from '../../../../../server/auth/audit-actions.ts';
import type { AuditEntry, Cell } from '../../api/types';
import type { Column } from '../../components/table';
import type { AdminMessageKey } from '../../i18n/admin';

/** The search filters as the URL and the API name them (from/to are UTC instants). */
export const FILTER_KEYS = ['from', 'to', 'username', 'action', 'outcome', 'region', 'objectType', 'objectId', 'q'] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];
export type AuditFilters = Record<FilterKey, string>;

export const PAGE_SIZES = [50, 100, 200, 500] as const;

/**
 * The action filter's choices: every action the server records (server/auth/audit-actions.ts), each
 * area that has several preceded by the area itself ("auth" finds every auth.* row).
 */
export const ACTIONS: readonly string[] = AUDIT_ACTIONS.flatMap((a, i) => {
  const area = a.slice(0, a.indexOf('.'));
  const first = AUDIT_ACTIONS.findIndex((b) => b.startsWith(`${area}.`)) === i;
  const several = AUDIT_ACTIONS.filter((b) => b.startsWith(`${area}.`)).length > 1;
  return first && several ? [area, a] : [a];
});

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** "UTC+08:00" for the zone of `at` on this computer. */
export function utcOffset(at: Date): string {
  const m = -at.getTimezoneOffset();
  const sign = m >= 0 ? '+' : '-';
  return `UTC${sign}${pad(Math.floor(Math.abs(m) / 60))}:${pad(Math.abs(m) % 60)}`;
}

/** "2026-03-01 16:05:09" in this computer's time zone. */
export function localTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** A UTC instant as the value of an <input type="datetime-local"> (local time, minutes). */
export function toLocalInput(iso: string): string {
  const d = new Date(iso);
  if (!iso || Number.isNaN(d.getTime())) return '';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The value of a datetime-local input (local time) as a UTC instant; '' when empty or invalid. */
export function fromLocalInput(value: string): string {
  if (!value) return '';
  // Without a zone, "YYYY-MM-DDTHH:mm" is read as local time.
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? '' : d.toISOString();
}

export function readFilters(params: URLSearchParams): AuditFilters {
  return Object.fromEntries(FILTER_KEYS.map((k) => [k, params.get(k) ?? ''])) as AuditFilters;
}

/** The page's query string (without "?"): filters that are set, then paging when not the default. */
export function searchQuery(f: Partial<AuditFilters>, limit: number, offset: number): string {
  const q = new URLSearchParams();
  for (const k of FILTER_KEYS) {
    const v = f[k]?.trim();
    if (v) q.set(k, v);
  }
  if (limit !== PAGE_SIZES[0]) q.set('limit', String(limit));
  if (offset > 0) q.set('offset', String(offset));
  return q.toString();
}

export function pageSize(params: URLSearchParams): number {
  const n = Number(params.get('limit'));
  return (PAGE_SIZES as readonly number[]).includes(n) ? n : PAGE_SIZES[0];
}

export function pageOffset(params: URLSearchParams): number {
  const n = Number(params.get('offset'));
  return Number.isInteger(n) && n > 0 ? n : 0;
}

/** Detail as one line of JSON for the table. */
export function detailText(detail: Record<string, unknown>): string {
  const s = JSON.stringify(detail ?? {});
  return s === '{}' ? '' : s;
}

/** How many characters of the detail a table cell shows; the tooltip and the export carry all of it. */
export const DETAIL_SHOWN = 90;

/** The detail column: shortened on screen, in full in the tooltip and in exported files. */
export function detailColumn(label: string): Column {
  const full = (r: Cell) => String(r.detail ?? '');
  return {
    key: 'detail',
    label,
    kind: 'text',
    text: (r) => {
      const d = full(r);
      return d.length > DETAIL_SHOWN ? `${d.slice(0, DETAIL_SHOWN - 1)}…` : d;
    },
    title: full,
    exportValue: full,
  };
}

/** Why GET /api/auth/audit-trail/verify found the chain broken (server/auth/audit-trail.repository.ts VerifyResult). */
export const CHAIN_BREAKS = ['seq_gap', 'prev_hash_mismatch', 'hash_mismatch'] as const;
export type ChainBreak = (typeof CHAIN_BREAKS)[number];

/** The message of a broken chain: one per reason the server gives, a generic one (naming the code) for any other. */
export function chainBrokenKey(reason: string): AdminMessageKey {
  return (CHAIN_BREAKS as readonly string[]).includes(reason) ? `auditLog.chainBroken.${reason as ChainBreak}` : 'auditLog.chainBroken';
}

/** A row for DataTable and the export. */
export function entryCell(e: AuditEntry): Cell {
  return {
    seq: e.seq,
    occurredAt: e.occurredAt,
    local: localTime(e.occurredAt),
    username: e.username,
    role: e.role,
    regionCode: e.regionCode,
    action: e.action,
    object: e.objectType ? `${e.objectType}${e.objectId ? `: ${e.objectId}` : ''}` : (e.objectId ?? ''),
    outcome: e.outcome,
    detail: detailText(e.detail),
    ip: e.ip,
  };
}
