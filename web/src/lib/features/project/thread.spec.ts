import { describe, expect, it } from 'vitest';
import { threadYear } from './thread';

describe('threadYear', () => {
  it('finds the year or returns nulls', () => {
    const thread = [{ year: 2025, approved: '1.00', adjusted: '2.00', executed: '1.50', final: '1.40', execution_rate: 0.75 }];
    expect(threadYear(thread, 2025).executed).toBe('1.50');
    expect(threadYear(thread, 2026)).toEqual({
      year: 2026,
      approved: null,
      adjusted: null,
      executed: null,
      final: null,
      execution_rate: null,
    });
  });
});
