/**
 * The security audit trail (GB/T 22239-2019 level 3 "security audit"): one append-only row per
 * login, logout, denied request, export, data load and data change, each chained to the previous
 * one by a SHA-256 hash so that an edit made behind the database's back (trigger disabled, file
 * edited, restored backup) is detected by `verifyAuditTrail`.
 *
 * Other modules call `recordAudit(tx, event)` inside the transaction that does the work: the row
 * commits or rolls back with it, so the trail never claims a change that did not happen. Events
 * that must survive a failure (a refused login) are recorded in a transaction of their own.
 */
import crypto from 'node:crypto';
import os from 'node:os';
import { sql, type Selectable } from 'kysely';
import type { PgTx, Postgres } from '../core/pg.ts';
import type { AuditAction } from './audit-actions.ts';
import { authDb, type AuditTrailTable } from './auth.db.ts';

export type AuditOutcome = 'success' | 'failure' | 'denied';

/** Who acted. `AuthUser` (request.user) fits as is. */
export interface AuditActor {
  id: string | null;
  username: string | null;
  role: string | null;
  regionCode: string | null;
}

/** Who did something and from where: a signed-in user (`request.user`, `request.ip`) or this process. */
export interface Acting {
  actor: AuditActor;
  ip?: string;
}

/**
 * The actor of work started on the server's own command line (`caijian load`, `caijian warnings
 * run`, `caijian demo`): no account, the operating-system user who ran it. Such rows have no
 * region, so only an admin whose scope covers the deployment sees them (audit-trail.routes.ts).
 */
export function processActing(): Acting {
  let name = 'unknown';
  try {
    name = os.userInfo().username || name;
  } catch {
    // No passwd entry for the uid (some containers): keep "unknown".
  }
  return { actor: { id: null, username: `cli:${name}`, role: null, regionCode: null } };
}

export interface AuditEvent {
  /** Dotted verb: auth.login, access.denied, data.export, warning.status, rule.params … (audit-actions.ts). */
  action: AuditAction;
  outcome: AuditOutcome;
  actor?: AuditActor | null;
  /** For a failed login: the username as typed, when it names no account. */
  username?: string;
  objectType?: string;
  objectId?: string;
  /** Small JSON facts: the reason of a refusal, the changed fields (old → new), a row count. */
  detail?: Record<string, unknown>;
  ip?: string;
  /** Defaults to now. */
  at?: Date;
}

export interface AuditRow {
  seq: string;
  occurredAt: Date;
  userId: string | null;
  username: string | null;
  role: string | null;
  regionCode: string | null;
  action: string;
  objectType: string | null;
  objectId: string | null;
  outcome: AuditOutcome;
  detail: unknown;
  ip: string | null;
  prevHash: string;
  hash: string;
}

/** JSON text of `v` with every unpaired UTF-16 surrogate, in keys and values, replaced by U+FFFD. */
export function wellFormedJson(v: unknown): string {
  return JSON.stringify(v, (_key, value: unknown) => {
    if (typeof value === 'string') return value.replace(LONE_SURROGATE, '\ufffd');
    if (value && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).some((k) => HAS_LONE_SURROGATE.test(k)))
      return Object.fromEntries(Object.entries(value).map(([k, x]) => [k.replace(LONE_SURROGATE, '\ufffd'), x]));
    return value;
  });
}
// With the u flag, a surrogate code point is one without its other half. (Two regexes: `test` on a
// global one would carry its lastIndex from one key to the next.)
const LONE_SURROGATE = /\p{Cs}/gu;
const HAS_LONE_SURROGATE = /\p{Cs}/u;

export const GENESIS_HASH = '0'.repeat(64);
// Any fixed 64-bit key, private to this table: the lock that serialises appends.
const AUDIT_LOCK_KEY = 7_321_004_511_001n;

/**
 * Appends one event. Must run inside `pg.transaction`: the advisory lock that keeps seq gap-free
 * and the chain linear is held until that transaction ends, so keep long transactions (a data
 * load) recording their event near the end.
 */
export async function recordAudit(tx: PgTx, event: AuditEvent): Promise<AuditRow> {
  await tx.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_LOCK_KEY.toString()]);
  const db = authDb(tx);
  const last = await db.selectFrom('auth.audit_trail').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  const row: Omit<AuditRow, 'hash'> = {
    seq: String(last ? BigInt(last.seq) + 1n : 1n),
    occurredAt: event.at ?? new Date(),
    userId: event.actor?.id ?? null,
    username: event.actor?.username ?? event.username ?? null,
    role: event.actor?.role ?? null,
    regionCode: event.actor?.regionCode ?? null,
    action: event.action,
    objectType: event.objectType ?? null,
    objectId: event.objectId ?? null,
    outcome: event.outcome,
    // Round-trip through JSON so the hashed value is what JSONB will give back (no undefined,
    // no Dates, no functions), and with well-formed strings: JSONB refuses an unpaired surrogate
    // (`"\udfff"`), which would fail the audited work with it.
    detail: JSON.parse(wellFormedJson(event.detail ?? {})) as unknown,
    ip: event.ip ?? null,
    prevHash: last?.hash ?? GENESIS_HASH,
  };
  const hash = auditHash(row);
  await db
    .insertInto('auth.audit_trail')
    .values({
      seq: row.seq,
      occurred_at: row.occurredAt,
      user_id: row.userId,
      username: row.username,
      role: row.role,
      region_code: row.regionCode,
      action: row.action,
      object_type: row.objectType,
      object_id: row.objectId,
      outcome: row.outcome,
      detail: sql`${JSON.stringify(row.detail)}::jsonb`,
      ip: row.ip,
      prev_hash: row.prevHash,
      hash,
    })
    .execute();
  return { ...row, hash };
}

/** sha256(prev_hash ‖ canonical row). The canonical row is a JSON array in a fixed field order. */
export function auditHash(row: Omit<AuditRow, 'hash'>): string {
  const canonical = JSON.stringify([
    row.seq,
    row.occurredAt.toISOString(),
    row.userId,
    row.username,
    row.role,
    row.regionCode,
    row.action,
    row.objectType,
    row.objectId,
    row.outcome,
    canonicalJson(row.detail),
    row.ip,
  ]);
  return crypto.createHash('sha256').update(row.prevHash).update('\n').update(canonical).digest('hex');
}

/** JSON with object keys sorted at every level: JSONB does not keep key order. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

export interface VerifyResult {
  ok: boolean;
  rows: number;
  /** The first row that does not check out, and why. */
  firstBroken?: { seq: string; reason: 'hash_mismatch' | 'prev_hash_mismatch' | 'seq_gap' };
  /** Hash of the last row: write it down elsewhere to detect a truncated tail later. */
  head: string;
}

/** A stored row as `auditHash` and the routes see it. */
function fromDb(r: Selectable<AuditTrailTable>): AuditRow {
  return {
    seq: r.seq,
    occurredAt: r.occurred_at,
    userId: r.user_id,
    username: r.username,
    role: r.role,
    regionCode: r.region_code,
    action: r.action,
    objectType: r.object_type,
    objectId: r.object_id,
    outcome: r.outcome as AuditOutcome,
    detail: r.detail,
    ip: r.ip,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

/** Recomputes the whole chain in seq order, in pages, and names the first row that breaks it. */
export async function verifyAuditTrail(pg: Postgres, pageSize = 5000): Promise<VerifyResult> {
  return pg.transaction(async (tx) => {
    // One snapshot for the whole walk, so appends during the check do not confuse it.
    await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    const db = authDb(tx);
    let prev = GENESIS_HASH;
    let expectSeq = 1n;
    let rows = 0;
    let after = '0';
    for (;;) {
      const page = await db.selectFrom('auth.audit_trail').selectAll().where('seq', '>', after).orderBy('seq').limit(pageSize).execute();
      if (page.length === 0) break;
      for (const r of page) {
        rows++;
        const row = fromDb(r);
        if (BigInt(r.seq) !== expectSeq) return { ok: false, rows, head: prev, firstBroken: { seq: r.seq, reason: 'seq_gap' } };
        if (r.prev_hash !== prev) return { ok: false, rows, head: prev, firstBroken: { seq: r.seq, reason: 'prev_hash_mismatch' } };
        if (auditHash(row) !== r.hash) return { ok: false, rows, head: prev, firstBroken: { seq: r.seq, reason: 'hash_mismatch' } };
        prev = r.hash;
        expectSeq++;
      }
      after = page[page.length - 1]!.seq;
    }
    return { ok: true, rows, head: prev };
  });
}

// ── Search (the admins' audit page) ──────────────────────────────────────

export interface AuditSearch {
  /** Region codes whose rows may be returned (the admin's scope, or the filtered part of it). */
  regions: readonly string[];
  /** Also return rows without a region (see `coversDeployment`). */
  includeUnregioned: boolean;
  from?: Date;
  to?: Date;
  /** Exact, case-insensitive. */
  username?: string;
  /** `auth` matches auth.login, auth.logout …; `auth.login` matches itself. */
  action?: string;
  outcome?: AuditOutcome;
  objectType?: string;
  objectId?: string;
  /** Case-insensitive substring of username, action, object, address or detail. */
  text?: string;
  limit: number;
  offset: number;
}

export interface AuditPage {
  total: number;
  rows: Omit<AuditRow, 'prevHash'>[];
}

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** One page of the trail, newest first (by seq: the order rows were chained in), and the count of all matches. */
export async function searchAuditTrail(tx: PgTx, q: AuditSearch): Promise<AuditPage> {
  const db = authDb(tx);
  let base = db.selectFrom('auth.audit_trail').where((eb) => {
    const visible = [eb('region_code', '=', sql<string>`ANY(${[...q.regions]}::bpchar[])`)];
    if (q.includeUnregioned) visible.push(eb('region_code', 'is', null));
    return eb.or(visible);
  });
  if (q.from) base = base.where('occurred_at', '>=', q.from);
  if (q.to) base = base.where('occurred_at', '<', q.to);
  if (q.username) base = base.where(sql`lower(username)`, '=', q.username.toLowerCase());
  if (q.action) {
    const a = q.action;
    base = base.where((eb) => eb.or([eb('action', '=', a), eb('action', 'like', `${likeEscape(a.replace(/\.$/, ''))}.%`)]));
  }
  if (q.outcome) base = base.where('outcome', '=', q.outcome);
  if (q.objectType) base = base.where('object_type', '=', q.objectType);
  if (q.objectId) base = base.where('object_id', '=', q.objectId);
  if (q.text) {
    const pattern = `%${likeEscape(q.text)}%`;
    base = base.where((eb) =>
      eb.or(
        [sql`username`, sql`action`, sql`object_type`, sql`object_id`, sql`ip`, sql`detail::text`].map((col) => eb(col, 'ilike', pattern)),
      ),
    );
  }
  // One after the other: both run on the transaction's single connection.
  const count = await base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  const rows = await base.selectAll().orderBy('seq', 'desc').limit(q.limit).offset(q.offset).execute();
  return {
    total: Number(count.n),
    rows: rows.map((r) => {
      const { prevHash: _prev, ...row } = fromDb(r);
      return row;
    }),
  };
}

/**
 * Whether a user of `regionCode` whose scope is `scope` oversees the whole deployment: every
 * region in `region` is in the scope or above the user's own region. Such an admin (a city's,
 * when the deployment is one city; the province's, when it holds several) is shown the rows that
 * carry no region — sign-in attempts under names that match no account, and commands run on the
 * server (`caijian user …`, the demo). A district admin, or one city's admin in a deployment of
 * several, is not: those rows may name another region's people.
 */
export async function coversDeployment(tx: PgTx, regionCode: string, scope: readonly string[]): Promise<boolean> {
  const r = await tx.query<{ outside: string }>(
    `WITH RECURSIVE up (code, depth) AS (
       SELECT parent_code, 0 FROM region WHERE code = $1
       UNION
       SELECT r.parent_code, u.depth + 1 FROM region r JOIN up u ON r.code = u.code WHERE u.depth < 8
     )
     SELECT count(*) AS outside FROM region
      WHERE NOT (code = ANY($2::bpchar[])) AND code NOT IN (SELECT code FROM up WHERE code IS NOT NULL)`,
    [regionCode, [...scope]],
  );
  return Number(r.rows[0]!.outside) === 0;
}
