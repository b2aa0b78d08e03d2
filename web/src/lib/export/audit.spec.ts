import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client';
import { exportFilters, exportPage, exportTableName, recordRefusal } from './audit';

describe('export audit record', () => {
  it('takes the URL query, lets the top bar win, drops empty values and keys the server refuses', () => {
    const q = new URLSearchParams('year=2025&cut=year%3A2026&bad key=1&region=990101&empty=');
    expect(exportFilters(q, { region: '990100', year: 2026, unit: 'wan', none: undefined })).toEqual({
      year: '2026',
      cut: 'year:2026',
      region: '990100',
      unit: 'wan',
    });
  });

  it('keeps at most 40 keys and 500 characters a value', () => {
    const q = new URLSearchParams();
    for (let i = 0; i < 60; i++) q.set(`k${i}`, 'x'.repeat(600));
    const f = exportFilters(q, {});
    expect(Object.keys(f)).toHaveLength(40);
    expect(f.k0).toHaveLength(500);
  });

  it('makes page paths and table names the server accepts', () => {
    expect(exportPage('/admin/audit')).toBe('/admin/audit');
    expect(exportPage('/项目')).toBe('/--');
    expect(exportTableName('project-P1\n-thread')).toBe('project-P1 -thread');
    expect(exportTableName('')).toBe('table');
  });

  it('says why an export was not recorded when the server said why', () => {
    const region = new ApiError(403, 'That region is outside yours. / 该地区不在您的管辖范围内。', 'r-1', 'forbidden');
    expect(recordRefusal(region)).toEqual({ reason: 'That region is outside yours. / 该地区不在您的管辖范围内。', requestId: 'r-1' });
    const limited = new ApiError(429, 'Too many requests; wait a minute. / 请求过于频繁，请稍后再试。', undefined, 'rate_limited');
    expect(recordRefusal(limited).reason).toBe('Too many requests; wait a minute. / 请求过于频繁，请稍后再试。');
    // A server error or a lost connection has no message to show (the page asks to try again later).
    expect(recordRefusal(new ApiError(503, ''))).toEqual({ reason: '', requestId: undefined });
    expect(recordRefusal(new TypeError('x'))).toEqual({ reason: '' });
  });
});
