import { describe, expect, it } from 'vitest';
import { entryCell, fromLocalInput, localTime, pageOffset, pageSize, readFilters, searchQuery, toLocalInput, utcOffset } from './audit-log';

describe('audit-log page helpers', () => {
  it('round-trips a local datetime input through UTC', () => {
    const utc = fromLocalInput('2026-03-01T16:05');
    expect(utc).toMatch(/Z$/);
    expect(toLocalInput(utc)).toBe('2026-03-01T16:05');
    expect(localTime(utc)).toBe('2026-03-01 16:05:00');
    expect(fromLocalInput('')).toBe('');
    expect(fromLocalInput('nonsense')).toBe('');
  });

  it('names the offset of the local zone', () => {
    const at = new Date('2026-03-01T00:00:00Z');
    const m = 0 - at.getTimezoneOffset();
    const label = utcOffset(at);
    expect(label).toMatch(/^UTC[+-]\d\d:\d\d$/);
    const [h, min] = label.slice(4).split(':').map(Number) as [number, number];
    expect((label[3] === '-' ? -1 : 1) * (h * 60 + min)).toBe(m + 0);
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
    const c = entryCell({
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
    });
    expect(c).toMatchObject({ object: 'table: /debt#bonds', detail: '{"rows":3}', local: localTime('2026-03-01T08:00:00.000Z') });
  });
});
