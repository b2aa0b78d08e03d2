/** All SQL on auth.user_account. */
import { sql, type Selectable } from 'kysely';
import type { AuthDb, UserAccountTable } from './auth.db.ts';
import type { Role } from './auth.types.ts';

export type UserRow = Selectable<UserAccountTable>;

export interface NewUser {
  username: string;
  displayName?: string;
  role: Role;
  regionCode: string;
  passwordHash: string;
  mustChangePassword?: boolean;
  at: Date;
}

export async function insertUser(db: AuthDb, u: NewUser): Promise<UserRow> {
  return db
    .insertInto('auth.user_account')
    .values({
      username: u.username,
      display_name: u.displayName ?? '',
      role: u.role,
      region_code: u.regionCode,
      password_hash: u.passwordHash,
      password_changed_at: u.at,
      must_change_password: u.mustChangePassword ?? false,
      created_at: u.at,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function findUserByUsername(db: AuthDb, username: string): Promise<UserRow | undefined> {
  return db.selectFrom('auth.user_account').selectAll().where('username', '=', username).executeTakeFirst();
}

export function findUserById(db: AuthDb, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('auth.user_account').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listUsers(db: AuthDb): Promise<UserRow[]> {
  return db.selectFrom('auth.user_account').selectAll().orderBy('username').execute();
}

/**
 * Counts one failed login and locks the account when the count reaches `threshold`. One
 * statement, so concurrent failures cannot both read the old count.
 */
export async function recordFailedLogin(
  db: AuthDb,
  id: string,
  threshold: number,
  lockUntil: Date,
): Promise<{ failedAttempts: number; lockedUntil: Date | null }> {
  const r = await db
    .updateTable('auth.user_account')
    .set({
      failed_attempts: sql<number>`CASE WHEN failed_attempts + 1 >= ${threshold} THEN 0 ELSE failed_attempts + 1 END`,
      locked_until: sql<Date | null>`CASE WHEN failed_attempts + 1 >= ${threshold} THEN ${lockUntil}::timestamptz ELSE locked_until END`,
    })
    .where('id', '=', id)
    .returning(['failed_attempts', 'locked_until'])
    .executeTakeFirstOrThrow();
  return { failedAttempts: r.failed_attempts, lockedUntil: r.locked_until };
}

/**
 * Clears the failure count after a correct password, unless the account became locked or
 * disabled meanwhile (a concurrent attempt hit the threshold): then no row is returned.
 */
export async function recordSuccessfulLogin(db: AuthDb, id: string, at: Date): Promise<boolean> {
  const r = await db
    .updateTable('auth.user_account')
    .set({ failed_attempts: 0, locked_until: null, last_login_at: at })
    .where('id', '=', id)
    .where('disabled_at', 'is', null)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', at)]))
    .returning('id')
    .executeTakeFirst();
  return r !== undefined;
}

export async function setPassword(db: AuthDb, id: string, passwordHash: string, at: Date, mustChange: boolean): Promise<void> {
  await db
    .updateTable('auth.user_account')
    .set({ password_hash: passwordHash, password_changed_at: at, must_change_password: mustChange })
    .where('id', '=', id)
    .execute();
}

export async function setDisabled(db: AuthDb, id: string, at: Date | null): Promise<boolean> {
  const r = await db.updateTable('auth.user_account').set({ disabled_at: at }).where('id', '=', id).executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

export async function unlockUser(db: AuthDb, id: string): Promise<boolean> {
  const r = await db
    .updateTable('auth.user_account')
    .set({ failed_attempts: 0, locked_until: null })
    .where('id', '=', id)
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

export async function setTotp(
  db: AuthDb,
  id: string,
  fields: { totp_secret?: string | null; totp_pending_secret?: string | null; totp_last_step?: string | null },
): Promise<void> {
  await db.updateTable('auth.user_account').set(fields).where('id', '=', id).execute();
}

/** Accepts TOTP step `step` only if it is later than the last one accepted (no replay). */
export async function claimTotpStep(db: AuthDb, id: string, step: bigint): Promise<boolean> {
  const r = await db
    .updateTable('auth.user_account')
    .set({ totp_last_step: step.toString() })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step.toString())]))
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}
