import { describe, expect, it } from 'vitest';
import type { UserSummary } from '../../api/types';
import { USERNAME_PATTERN, userCell, userStatuses } from './users';

const base: UserSummary = {
  id: '3',
  username: 'zhang.san',
  displayName: '张三',
  role: 'analyst',
  regionCode: '990101',
  disabled: false,
  locked: false,
  totpEnabled: false,
  mustChangePassword: false,
  createdAt: '2026-03-01T08:00:00.000Z',
  lastLoginAt: null,
};

describe('user statuses', () => {
  it('says active or disabled first, then locked, pending change and TOTP', () => {
    expect(userStatuses(base)).toEqual(['active']);
    expect(userStatuses({ ...base, disabled: true, locked: true })).toEqual(['disabled', 'locked']);
    expect(userStatuses({ ...base, mustChangePassword: true, totpEnabled: true })).toEqual(['active', 'pending', 'totp']);
    expect(userCell({ ...base, locked: true }).status).toBe('active locked');
  });
});

describe('user name rule', () => {
  it("is the server's: 3–64 of a-z 0-9 . _ -, the first a letter or digit, no upper case", () => {
    // As the browser applies a pattern attribute: the whole value, v flag.
    const ok = (name: string) => new RegExp(`^(?:${USERNAME_PATTERN})$`, 'v').test(name);
    expect(['zhang.san', 'e2e-clerk', '9_a', 'a'.repeat(64)].filter(ok)).toHaveLength(4);
    expect(['ab', 'a'.repeat(65), '.zhang', '-a1', '_ab', 'Zhang', 'zhang san', ' zhang', '张三'].filter(ok)).toEqual([]);
  });
});
