/** The user-administration page's pure parts: an account's statuses and its row for the export. */
import type { Cell, UserSummary } from '../../api/types';

/**
 * A new account's user name as the server takes it (server/auth/auth.schema.ts CreateUserBody:
 * ^[a-z0-9][a-z0-9._-]{2,63}$): 3–64 characters, lower case only, the first a letter or digit. The
 * form's pattern attribute (anchored by the browser, compiled with the v flag), so it says so at once.
 */
export const USERNAME_PATTERN = '[a-z0-9][a-z0-9._\\-]{2,63}';

export type UserStatus = 'active' | 'disabled' | 'locked' | 'pending' | 'totp';

/** What the status column shows: disabled, or active; then locked, a pending password change, TOTP. */
export function userStatuses(u: UserSummary): UserStatus[] {
  const out: UserStatus[] = [u.disabled ? 'disabled' : 'active'];
  if (u.locked) out.push('locked');
  if (u.mustChangePassword) out.push('pending');
  if (u.totpEnabled) out.push('totp');
  return out;
}

export function userCell(u: UserSummary): Cell {
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    role: u.role,
    regionCode: u.regionCode,
    status: userStatuses(u).join(' '),
    lastLoginAt: u.lastLoginAt,
  };
}
