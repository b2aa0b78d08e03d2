// The page shows and takes local time. Pin the zone (Node applies a TZ change at once) so the
// expected values below are literals, not recomputed with the code's own arithmetic; under UTC a
// round trip through local time would prove nothing. Shanghai: UTC+8 all year, no daylight saving.
const zoneBefore = process.env.TZ;
process.env.TZ = 'Asia/Shanghai';

import { afterAll, describe, expect, it } from 'vitest';
import { exportTable } from '../../components/table';
import { adminEn, adminZh } from '../../i18n/admin';
import type { AuditEntry } from '../../api/types';
import { AUDIT_ACTIONS } from '../../../../../server/auth/audit-actions';
import {
  ACTIONS,
  CHAIN_BREAKS,
  chainBrokenKey,
  detailColumn,
  entryCell,
  fromLocalInput,
  localTime,
  pageOffset,
  pageSize,
  readFilters,
  searchQuery,
  toLocalInput,
  utcOffset,
} from './audit-log';

afterAll(() => {
  if (zoneBefore === undefined) delete process.env.TZ;
  else process.env.TZ = zoneBefore;
});

const entry: AuditEntry = {
  seq: '9',
  occurredAt: '2026-03-01T08:00:00.000Z',
  userId: '1',
  username: 'admin',
  role: 'admin',
  regionCode: '990100',
  action: 'data.export',
  objectType: 'table',
  objectId: '/debt#bonds',
  outcome: 'success',
  detail: { rows: 3 },
  ip: '127.0.0.1',
  hash: 'x',
};

describe('audit-log page helpers (in Asia/Shanghai)', () => {
  it('shows UTC instants in local time', () => {
    expect(localTime('2026-03-01T08:05:00.000Z')).toBe('2026-03-01 16:05:00');
    // The local date is the next day from 16:00 UTC on.
    expect(localTime('2026-02-28T16:30:09.000Z')).toBe('2026-03-01 00:30:09');
    expect(localTime('not a time')).toBe('not a time');
  });

  it('reads and fills datetime-local inputs in local time', () => {
    expect(fromLocalInput('2026-03-01T16:05')).toBe('2026-03-01T08:05:00.000Z');
    expect(fromLocalInput('2026-03-01T00:30')).toBe('2026-02-28T16:30:00.000Z');
    expect(toLocalInput('2026-03-01T08:05:00.000Z')).toBe('2026-03-01T16:05');
    expect(toLocalInput('2026-02-28T16:30:00.000Z')).toBe('2026-03-01T00:30');
    expect(fromLocalInput('')).toBe('');
    expect(fromLocalInput('nonsense')).toBe('');
    expect(toLocalInput('')).toBe('');
  });

  it('names the offset of the local zone', () => {
    expect(utcOffset(new Date('2026-03-01T00:00:00Z'))).toBe('UTC+08:00');
    expect(utcOffset(new Date('2026-07-01T00:00:00Z'))).toBe('UTC+08:00');
  });

  it('keeps the search in the URL: set filters only, paging when not the default', () => {
    const q = searchQuery({ username: ' admin ', action: 'auth', outcome: '', region: '990101' }, 100, 200);
    expect(q).toBe('username=admin&action=auth&region=990101&limit=100&offset=200');
    const p = new URLSearchParams(q);
    expect(readFilters(p)).toMatchObject({ username: 'admin', action: 'auth', region: '990101', outcome: '' });
    expect(pageSize(p)).toBe(100);
    expect(pageOffset(p)).toBe(200);
    expect(searchQuery({}, 50, 0)).toBe('');
    expect(pageSize(new URLSearchParams('limit=7'))).toBe(50);
    expect(pageOffset(new URLSearchParams('offset=-3'))).toBe(0);
  });

  it('flattens an entry for the table', () => {
    expect(entryCell(entry)).toMatchObject({ object: 'table: /debt#bonds', detail: '{"rows":3}', local: '2026-03-01 16:00:00' });
  });

  it('shortens a long detail on screen but exports it in full', () => {
    const detail = { reason: 'x'.repeat(120), filters: { region: '990100' } };
    const full = JSON.stringify(detail);
    const row = entryCell({ ...entry, detail });
    const col = detailColumn('Detail');
    const shown = col.text!(row);
    expect(shown).toHaveLength(90);
    expect(shown.endsWith('…')).toBe(true);
    expect(col.title!(row)).toBe(full);
    expect(exportTable([col], [row], 'yuan', '').rows).toEqual([[full]]);
    // A short detail is the same on screen and in the file.
    expect(col.text!(entryCell(entry))).toBe('{"rows":3}');
  });

  it('offers every action the server records, each area before its actions, all named in both languages', () => {
    expect(ACTIONS.filter((a) => a.includes('.'))).toEqual([...AUDIT_ACTIONS]);
    expect(ACTIONS.slice(0, 2)).toEqual(['auth', 'auth.login']);
    expect(ACTIONS).toContain('warning');
    // access.denied is its area's only action: no "access (all)" choice.
    expect(ACTIONS).not.toContain('access');
    const zh = adminZh as Record<string, string>;
    const en = adminEn as Record<string, string>;
    const unnamed = ACTIONS.filter((a) => !zh[`action.${a}`] || !en[`action.${a}`]);
    expect(unnamed).toEqual([]);
  });

  it('names each reason the chain check gives, in both languages', () => {
    for (const reason of CHAIN_BREAKS) {
      const key = chainBrokenKey(reason);
      expect(key).toBe(`auditLog.chainBroken.${reason}`);
      expect(adminZh[key]).toContain('{seq}');
      expect(adminEn[key]).toContain('{seq}');
      expect(adminEn[key]).not.toContain(reason);
    }
    // A reason this page does not know yet is shown as its code.
    expect(chainBrokenKey('something_new')).toBe('auditLog.chainBroken');
    expect(adminEn['auditLog.chainBroken']).toContain('{reason}');
  });
});
