import { describe, expect, it } from 'vitest';
import { userCell, userStatuses, type UserSummary } from './users';

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
