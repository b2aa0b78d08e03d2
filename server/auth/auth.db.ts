/**
 * Kysely types for the `auth` schema (sql/pg/003_auth.sql). Kept here rather than in the
 * generated server/core/db.types.ts, which covers the public fact tables only: credentials and
 * the audit trail are not business data.
 */
import { Kysely, PostgresDialect, type ColumnType, type Generated, type Transaction } from 'kysely';
import type { DB } from '../core/db.types.ts';
import type { PgTx } from '../core/pg.ts';

export interface UserAccountTable {
  id: Generated<string>;
  username: string;
  display_name: ColumnType<string, string | undefined, string>;
  role: string;
  region_code: string;
  password_hash: string;
  password_changed_at: Date;
  must_change_password: ColumnType<boolean, boolean | undefined, boolean>;
  totp_secret: string | null;
  totp_pending_secret: string | null;
  totp_last_step: string | null;
  failed_attempts: ColumnType<number, number | undefined, number>;
  locked_until: Date | null;
  disabled_at: Date | null;
  created_at: Date;
  last_login_at: Date | null;
}

export interface SessionTable {
  id_hash: string;
  user_id: string;
  created_at: Date;
  last_seen_at: Date;
  expires_at: Date;
  ip: string | null;
  user_agent: string | null;
}

export interface AuditTrailTable {
  seq: string;
  occurred_at: Date;
  user_id: string | null;
  username: string | null;
  role: string | null;
  region_code: string | null;
  action: string;
  object_type: string | null;
  object_id: string | null;
  outcome: string;
  detail: unknown;
  ip: string | null;
  prev_hash: string;
  hash: string;
}

// A type alias, not an interface: `withTables` needs an index-signature-compatible type.
export type AuthTables = {
  'auth.user_account': UserAccountTable;
  'auth.session': SessionTable;
  'auth.audit_trail': AuditTrailTable;
};

export type AuthDb = Kysely<DB & AuthTables> | Transaction<DB & AuthTables>;

const byTx = new WeakMap<PgTx, Kysely<DB & AuthTables>>();

/**
 * A Kysely on the transaction's connection, widened with the auth tables. It sends every query
 * through `tx.query` instead of using `tx.db`: that one hands Kysely `Object.create(client)`,
 * on which node-postgres records the active query on the wrong object, so any query through it
 * fails with "Received unexpected rowDescription message" (seen on PGlite and the server driver
 * alike). Going through `tx.query` keeps us on the same connection and transaction.
 */
export function authDb(tx: PgTx): AuthDb {
  let db = byTx.get(tx);
  if (!db) {
    const client = {
      query: (text: string, values: unknown[]) => tx.query(text, values),
      release: () => undefined,
    };
    db = new Kysely<DB & AuthTables>({
      dialect: new PostgresDialect({ pool: { connect: async () => client as never, end: async () => undefined } }),
    });
    byTx.set(tx, db);
  }
  return db;
}
