/** All SQL on auth.session. */
import type { Selectable } from 'kysely';
import type { AuthDb, SessionTable, UserAccountTable } from './auth.db.ts';

export type SessionRow = Selectable<SessionTable>;

export async function insertSession(db: AuthDb, s: SessionRow): Promise<void> {
  await db.insertInto('auth.session').values(s).execute();
}

/** The session and its user, by the SHA-256 of the session id. */
export async function findSession(
  db: AuthDb,
  idHash: string,
): Promise<{ session: SessionRow; user: Selectable<UserAccountTable> } | undefined> {
  const r = await db
    .selectFrom('auth.session as s')
    .innerJoin('auth.user_account as u', 'u.id', 's.user_id')
    .selectAll('u')
    .select([
      's.id_hash as s_id_hash',
      's.user_id as s_user_id',
      's.created_at as s_created_at',
      's.last_seen_at as s_last_seen_at',
      's.expires_at as s_expires_at',
      's.ip as s_ip',
      's.user_agent as s_user_agent',
    ])
    .where('s.id_hash', '=', idHash)
    .executeTakeFirst();
  if (!r) return undefined;
  const { s_id_hash, s_user_id, s_created_at, s_last_seen_at, s_expires_at, s_ip, s_user_agent, ...user } = r;
  return {
    session: {
      id_hash: s_id_hash,
      user_id: s_user_id,
      created_at: s_created_at,
      last_seen_at: s_last_seen_at,
      expires_at: s_expires_at,
      ip: s_ip,
      user_agent: s_user_agent,
    },
    user,
  };
}

export async function touchSession(db: AuthDb, idHash: string, at: Date): Promise<void> {
  await db.updateTable('auth.session').set({ last_seen_at: at }).where('id_hash', '=', idHash).execute();
}

export async function deleteSession(db: AuthDb, idHash: string): Promise<boolean> {
  const r = await db.deleteFrom('auth.session').where('id_hash', '=', idHash).executeTakeFirst();
  return r.numDeletedRows > 0n;
}

/** Ends every session of a user (disable, password change or reset), optionally keeping one. */
export async function deleteUserSessions(db: AuthDb, userId: string, keepIdHash?: string): Promise<number> {
  let q = db.deleteFrom('auth.session').where('user_id', '=', userId);
  if (keepIdHash) q = q.where('id_hash', '<>', keepIdHash);
  const r = await q.executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** Housekeeping: sessions past their absolute or idle limit. */
export async function deleteExpiredSessions(db: AuthDb, now: Date, idleSince: Date): Promise<number> {
  const r = await db
    .deleteFrom('auth.session')
    .where((eb) => eb.or([eb('expires_at', '<=', now), eb('last_seen_at', '<=', idleSince)]))
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}
