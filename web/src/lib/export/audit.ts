/**
 * Every export is recorded in the security audit trail before the file is made (issue 5). The
 * record names the page, the table, the format, the row count and what the page was filtered by:
 * its URL query plus the top bar's region, year and unit, which live outside the URL.
 *
 * If the record cannot be written the export does not happen: under GB/T 22239 level 3 an export
 * that left no trace is worse than one the user has to retry.
 */
import { ApiError, apiUrl, postJson } from '../api/client';

import type { ExportRecord } from '../api/types';

// What the server accepts (server/auth/audit-trail.schema.ts ExportRecordBody).
const KEY = /^[A-Za-z0-9_.-]{1,40}$/;
const MAX_KEYS = 40;
const MAX_VALUE = 500;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/g;

/** The filters to record: the URL's query, then the top bar's values (which win), trimmed to what the server takes. */
export function exportFilters(query: URLSearchParams, top: Record<string, string | number | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  const put = (k: string, v: string) => {
    if (!KEY.test(k) || v === '') return;
    if (!(k in out) && Object.keys(out).length >= MAX_KEYS) return;
    out[k] = v.slice(0, MAX_VALUE);
  };
  for (const [k, v] of query) put(k, v);
  for (const [k, v] of Object.entries(top)) if (v !== undefined && v !== 0) put(k, String(v));
  return out;
}

/** The page path as the server's pattern takes it (letters, digits, / _ -). */
export function exportPage(pathname: string): string {
  const p = pathname.replace(/[^A-Za-z0-9/_-]/g, '-').slice(0, 200);
  return p.startsWith('/') ? p : `/${p}`;
}

/** The table's export name as the server takes it: printable, at most 120 characters. */
export function exportTableName(name: string): string {
  return name.replace(CONTROL, ' ').slice(0, 120) || 'table';
}

/** Records the export; throws (ApiError) when the server did not record it. */
export async function recordExport(r: ExportRecord): Promise<void> {
  await postJson<{ seq: string }>(apiUrl('/auth/audit-trail/exports'), {
    ...r,
    page: exportPage(r.page),
    table: exportTableName(r.table),
  });
}

/**
 * Why an export was not recorded, as the user should read it: the server's message for a refusal
 * (the region is not theirs, too many requests, the session ended, …), '' when there is none to
 * show (a server error, no network), and the request id to quote when the server gave one.
 */
export function recordRefusal(err: unknown): { reason: string; requestId?: string } {
  if (!(err instanceof ApiError)) return { reason: '' };
  return { reason: err.message, requestId: err.requestId };
}
