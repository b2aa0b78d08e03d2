/**
 * Accounts and sessions: login with lockout and optional TOTP, session resolution with idle and
 * absolute timeouts, password change, and the admin operations. Every security event is written
 * to the audit trail. Time comes from an injected clock so that tests move it instead of sleeping.
 */
import crypto from 'node:crypto';
import type { AuthConfig } from '../core/config.ts';
import type { AppContext } from '../core/context.ts';
import { HttpError, badRequest, conflict, notFound } from '../core/errors.ts';
import type { PgTx, Postgres } from '../core/pg.ts';
import { authDb, type AuthDb, type AuthTables } from './auth.db.ts';
import { isRole, type AuthUser, type Role } from './auth.types.ts';
import { recordAudit, type AuditActor, type AuditEvent, type AuditRow } from './audit-trail.repository.ts';
import {
  POLICY_MESSAGES,
  checkPasswordPolicy,
  dummyPasswordHash,
  generatePassword,
  hashPassword,
  needsRehash,
  verifyPassword,
} from './password.ts';
import { loadRegionScope } from './region.repository.ts';
import { SecretBox, loadOrCreateKey } from './secret-box.ts';
import * as sessions from './session.repository.ts';
import { base32Decode, newTotpSecret, totpUri, verifyTotp } from './totp.ts';
import * as users from './user.repository.ts';

export type Clock = () => Date;

/** Where a request came from, for the audit trail and the session row. */
export interface ClientInfo {
  ip?: string;
  userAgent?: string;
}

export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{2,63}$/;
export const REGION_PATTERN = /^[0-9]{6}$/;
// 256 bits, base64url without padding.
const SESSION_ID_PATTERN = /^[A-Za-z0-9_-]{43}$/;
// Writing last_seen_at on every request would turn every read into a write; a minute of
// imprecision on a 30-minute idle timeout does not matter.
const TOUCH_INTERVAL_MS = 60_000;

const INVALID_CREDENTIALS = 'Invalid username or password, or the account is locked. / 用户名或密码错误，或账户已锁定。';

export const unauthenticated = (message = 'Sign in first. / 请先登录。', code = 'unauthenticated') => new HttpError(401, code, message);
export const forbidden = (message: string, code = 'forbidden') => new HttpError(403, code, message);

export interface LoginInput extends ClientInfo {
  username: string;
  password: string;
  totp?: string;
  /** The session id the browser still carried, ended so that login always rotates the id. */
  previousSessionId?: string;
}

export interface LoginResult {
  sessionId: string;
  user: AuthUser;
  expiresAt: Date;
}

export type ResolveResult =
  | { ok: true; user: AuthUser; sessionId: string }
  | { ok: false; reason: 'malformed' | 'unknown' | 'disabled' | 'idle_timeout' | 'absolute_timeout' };

export interface UserSummary {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  regionCode: string;
  disabled: boolean;
  locked: boolean;
  totpEnabled: boolean;
  mustChangePassword: boolean;
  createdAt: string;
  lastLoginAt: string | null;
}

/** A table export the browser reports before making the file. */
export interface ExportEvent {
  page: string;
  table: string;
  format: 'csv' | 'xlsx';
  rows: number;
  filters: Record<string, string>;
}

export interface CreateUserInput {
  username: string;
  role: string;
  regionCode: string;
  displayName?: string;
  /** When absent a password is generated and returned once. */
  password?: string;
  /** Default: true for a generated password (the user picks their own at first login). */
  mustChangePassword?: boolean;
}

export function sha256Hex(s: string): string {
  return crypto.createHash('sha256').update(s).digest('hex');
}

/**
 * The CSRF token of a session: HMAC-SHA256 keyed by the session id. It is a synchronizer token
 * (bound to one session, unknowable without the HttpOnly cookie) that needs no storage: the
 * server recomputes it from the cookie on every state-changing request.
 */
export function csrfTokenFor(sessionId: string): string {
  return crypto.createHmac('sha256', sessionId).update('caijian csrf v1').digest('base64url');
}

export function csrfTokenMatches(sessionId: string, presented: string | undefined): boolean {
  if (!presented) return false;
  const expected = Buffer.from(csrfTokenFor(sessionId));
  const got = Buffer.from(presented);
  return got.length === expected.length && crypto.timingSafeEqual(got, expected);
}

export class AuthService {
  private sealer: SecretBox | undefined;

  /**
   * `secretKey` may be a function: the key file is then created only when a TOTP secret is first
   * sealed or opened, not by every process that builds the app.
   */
  constructor(
    readonly pg: Postgres,
    readonly config: AuthConfig,
    private readonly secretKey: Buffer | (() => Buffer),
    readonly now: Clock = () => new Date(),
  ) {
    // Computed now so that the first login of an unknown user is not slower than the next ones.
    void dummyPasswordHash();
  }

  private get box(): SecretBox {
    this.sealer ??= new SecretBox(typeof this.secretKey === 'function' ? this.secretKey() : this.secretKey);
    return this.sealer;
  }

  private get db(): AuthDb {
    return this.pg.db.withTables<AuthTables>();
  }

  private audit(tx: PgTx, event: AuditEvent) {
    return recordAudit(tx, { at: this.now(), ...event });
  }

  /** Records one event in a transaction of its own (used for refusals, which roll nothing else). */
  recordEvent(event: AuditEvent): Promise<void> {
    return this.pg.transaction(async (tx) => {
      await this.audit(tx, event);
    });
  }

  /**
   * One `data.export` row for a table the browser is about to export (see audit-trail.routes.ts):
   * the object is page#table, the detail the format, the row count and the page's filters.
   */
  recordExport(user: AuthUser, e: ExportEvent, client: ClientInfo = {}): Promise<AuditRow> {
    return this.pg.transaction((tx) =>
      this.audit(tx, {
        action: 'data.export',
        outcome: 'success',
        actor: user,
        objectType: 'table',
        objectId: `${e.page}#${e.table}`,
        detail: { page: e.page, table: e.table, format: e.format, rows: e.rows, filters: e.filters },
        ip: client.ip,
      }),
    );
  }

  // ── Login and sessions ─────────────────────────────────────────────────

  async login(input: LoginInput): Promise<LoginResult> {
    const username = input.username.trim().toLowerCase();
    const at = this.now();
    const client = { ip: input.ip };
    const row = USERNAME_PATTERN.test(username) ? await users.findUserByUsername(this.db, username) : undefined;

    const refuse = async (reason: string, actor: AuditActor | null, extra: Record<string, unknown> = {}, code = 'invalid_credentials') => {
      await this.recordEvent({
        action: 'auth.login',
        outcome: 'failure',
        actor,
        username: actor ? undefined : username.slice(0, 64),
        detail: { reason, ...extra },
        ...client,
      });
      return new HttpError(
        401,
        code,
        code === 'totp_required' ? 'Enter the code from your authenticator app. / 请输入动态验证码。' : INVALID_CREDENTIALS,
      );
    };

    if (!row) {
      // Same work as for a real account, so the response time does not reveal which names exist.
      await verifyPassword(await dummyPasswordHash(), input.password);
      throw await refuse('unknown_user', null);
    }
    const actor = actorOf(row);
    if (row.disabled_at) {
      await verifyPassword(await dummyPasswordHash(), input.password);
      throw await refuse('disabled', actor);
    }
    if (row.locked_until && row.locked_until > at) {
      await verifyPassword(await dummyPasswordHash(), input.password);
      throw await refuse('locked', actor, { lockedUntil: row.locked_until.toISOString() });
    }

    const failAttempt = async (reason: string): Promise<HttpError> => {
      const lockUntil = new Date(at.getTime() + this.config.lockoutMinutes * 60_000);
      await this.pg.transaction(async (tx) => {
        const counted = await users.recordFailedLogin(authDb(tx), row.id, this.config.lockoutThreshold, lockUntil);
        const locked = counted.lockedUntil !== null && counted.lockedUntil > at;
        await this.audit(tx, {
          action: 'auth.login',
          outcome: 'failure',
          actor,
          detail: locked
            ? { reason, lockedUntil: counted.lockedUntil!.toISOString(), threshold: this.config.lockoutThreshold }
            : { reason, failedAttempts: counted.failedAttempts },
          ...client,
        });
      });
      return new HttpError(401, 'invalid_credentials', INVALID_CREDENTIALS);
    };

    if (!(await verifyPassword(row.password_hash, input.password))) throw await failAttempt('bad_password');

    let totpStep: bigint | undefined;
    if (row.totp_secret) {
      // A missing code is not a failed attempt: the client asks for it and tries again.
      if (!input.totp) throw await refuse('totp_required', actor, {}, 'totp_required');
      const step = verifyTotp(base32Decode(this.box.open(row.totp_secret)), input.totp, at);
      if (step === null) throw await failAttempt('bad_totp');
      totpStep = step;
    }

    // Hashes made with weaker parameters are upgraded now that the password is known; hashed
    // before the transaction so the connection is not held during argon2.
    const rehash = needsRehash(row.password_hash) ? await hashPassword(input.password) : undefined;
    const sessionId = crypto.randomBytes(32).toString('base64url');
    const idHash = sha256Hex(sessionId);
    const expiresAt = new Date(at.getTime() + this.config.sessionAbsoluteHours * 3_600_000);
    const ok = await this.pg.transaction(async (tx) => {
      const db = authDb(tx);
      if (totpStep !== undefined && !(await users.claimTotpStep(db, row.id, totpStep))) return 'totp_replay' as const;
      if (!(await users.recordSuccessfulLogin(db, row.id, at))) return 'locked' as const;
      if (rehash) await users.setPassword(db, row.id, rehash, row.password_changed_at, row.must_change_password);
      if (input.previousSessionId && SESSION_ID_PATTERN.test(input.previousSessionId)) {
        await sessions.deleteSession(db, sha256Hex(input.previousSessionId));
      }
      await sessions.insertSession(db, {
        id_hash: idHash,
        user_id: row.id,
        created_at: at,
        last_seen_at: at,
        expires_at: expiresAt,
        ip: input.ip ?? null,
        user_agent: input.userAgent?.slice(0, 512) ?? null,
      });
      await this.audit(tx, {
        action: 'auth.login',
        outcome: 'success',
        actor,
        objectType: 'session',
        objectId: idHash.slice(0, 16),
        ...client,
      });
      return 'ok' as const;
    });
    if (ok === 'totp_replay') throw await failAttempt('totp_replay');
    if (ok === 'locked') throw await refuse('locked', actor);

    const scope = await loadRegionScope(this.db, row.region_code);
    return { sessionId, expiresAt, user: this.toAuthUser(row, scope, sessionId, at) };
  }

  /** The user behind a session id, enforcing the idle and absolute timeouts. */
  async resolveSession(sessionId: string | undefined, client: ClientInfo = {}): Promise<ResolveResult> {
    if (!sessionId || !SESSION_ID_PATTERN.test(sessionId)) return { ok: false, reason: 'malformed' };
    const idHash = sha256Hex(sessionId);
    const found = await sessions.findSession(this.db, idHash);
    if (!found) return { ok: false, reason: 'unknown' };
    const { session, user } = found;
    const at = this.now();
    let reason: 'disabled' | 'idle_timeout' | 'absolute_timeout' | undefined;
    if (user.disabled_at) reason = 'disabled';
    else if (at >= session.expires_at) reason = 'absolute_timeout';
    else if (at.getTime() - session.last_seen_at.getTime() >= this.config.sessionIdleMinutes * 60_000) reason = 'idle_timeout';
    if (reason) {
      await this.pg.transaction(async (tx) => {
        if (await sessions.deleteSession(authDb(tx), idHash)) {
          await this.audit(tx, {
            action: 'auth.session_end',
            outcome: 'success',
            actor: actorOf(user),
            objectType: 'session',
            objectId: idHash.slice(0, 16),
            detail: { reason },
            ip: client.ip,
          });
        }
      });
      return { ok: false, reason };
    }
    if (at.getTime() - session.last_seen_at.getTime() >= TOUCH_INTERVAL_MS) await sessions.touchSession(this.db, idHash, at);
    const scope = await loadRegionScope(this.db, user.region_code);
    return { ok: true, sessionId, user: this.toAuthUser(user, scope, sessionId, at) };
  }

  async logout(user: AuthUser, client: ClientInfo = {}): Promise<void> {
    await this.pg.transaction(async (tx) => {
      await sessions.deleteSession(authDb(tx), user.sessionIdHash);
      await this.audit(tx, {
        action: 'auth.logout',
        outcome: 'success',
        actor: user,
        objectType: 'session',
        objectId: user.sessionIdHash.slice(0, 16),
        ip: client.ip,
      });
    });
  }

  /** Own password change: needs the current password; ends the user's other sessions. */
  async changePassword(user: AuthUser, current: string, next: string, client: ClientInfo = {}): Promise<void> {
    const row = await users.findUserById(this.db, user.id);
    if (!row) throw unauthenticated();
    const at = this.now();
    if (!(await verifyPassword(row.password_hash, current))) {
      const lockUntil = new Date(at.getTime() + this.config.lockoutMinutes * 60_000);
      await this.pg.transaction(async (tx) => {
        const counted = await users.recordFailedLogin(authDb(tx), row.id, this.config.lockoutThreshold, lockUntil);
        await this.audit(tx, {
          action: 'auth.password_change',
          outcome: 'failure',
          actor: user,
          objectType: 'user',
          objectId: user.id,
          detail: { reason: 'bad_current_password', failedAttempts: counted.failedAttempts },
          ip: client.ip,
        });
      });
      throw new HttpError(403, 'bad_current_password', 'The current password is wrong. / 当前密码错误。');
    }
    if (current === next)
      throw badRequest('The new password must differ from the current one. / 新密码不得与当前密码相同。', 'password_policy');
    assertPolicy(next, row.username);
    const hash = await hashPassword(next);
    await this.pg.transaction(async (tx) => {
      const db = authDb(tx);
      await users.setPassword(db, row.id, hash, at, false);
      const ended = await sessions.deleteUserSessions(db, row.id, user.sessionIdHash);
      await this.audit(tx, {
        action: 'auth.password_change',
        outcome: 'success',
        actor: user,
        objectType: 'user',
        objectId: user.id,
        detail: { otherSessionsEnded: ended },
        ip: client.ip,
      });
    });
  }

  // ── TOTP enrolment ─────────────────────────────────────────────────────

  /** Starts enrolment: a new secret, kept pending until a code from it is confirmed. */
  async beginTotp(user: AuthUser): Promise<{ secret: string; uri: string }> {
    const secret = newTotpSecret();
    await users.setTotp(this.db, user.id, { totp_pending_secret: this.box.seal(secret) });
    return { secret, uri: totpUri(secret, user.username) };
  }

  async confirmTotp(user: AuthUser, code: string, client: ClientInfo = {}): Promise<void> {
    const row = await users.findUserById(this.db, user.id);
    if (!row?.totp_pending_secret) throw badRequest('Start TOTP enrolment first. / 请先开始绑定。', 'totp_not_pending');
    const step = verifyTotp(base32Decode(this.box.open(row.totp_pending_secret)), code, this.now());
    await this.pg.transaction(async (tx) => {
      if (step !== null) {
        await users.setTotp(authDb(tx), user.id, {
          totp_secret: row.totp_pending_secret,
          totp_pending_secret: null,
          totp_last_step: step.toString(),
        });
      }
      await this.audit(tx, {
        action: 'auth.totp_enrol',
        outcome: step === null ? 'failure' : 'success',
        actor: user,
        objectType: 'user',
        objectId: user.id,
        ip: client.ip,
      });
    });
    if (step === null) throw badRequest('The code does not match. / 验证码不正确。', 'bad_totp');
  }

  // ── Administration ─────────────────────────────────────────────────────

  async listUsers(): Promise<UserSummary[]> {
    const at = this.now();
    return (await users.listUsers(this.db)).map((r) => ({
      id: r.id,
      username: r.username,
      displayName: r.display_name,
      role: r.role as Role,
      regionCode: r.region_code,
      disabled: r.disabled_at !== null,
      locked: r.locked_until !== null && r.locked_until > at,
      totpEnabled: r.totp_secret !== null,
      mustChangePassword: this.mustChange(r, at),
      createdAt: r.created_at.toISOString(),
      lastLoginAt: r.last_login_at?.toISOString() ?? null,
    }));
  }

  /** Creates an account. Returns the password only when it was generated (shown once). */
  async createUser(
    actor: AuditActor | null,
    input: CreateUserInput,
    client: ClientInfo = {},
  ): Promise<{ user: UserSummary; password?: string }> {
    const username = input.username.trim().toLowerCase();
    if (!USERNAME_PATTERN.test(username)) {
      throw badRequest(
        'Username: 3–64 of a-z 0-9 . _ -, starting with a letter or digit. / 用户名为 3–64 位小写字母、数字或 . _ -。',
        'invalid_username',
      );
    }
    if (!isRole(input.role)) throw badRequest(`Unknown role "${input.role}".`, 'invalid_role');
    if (!REGION_PATTERN.test(input.regionCode))
      throw badRequest('Region must be a 6-digit code. / 地区须为 6 位行政区划代码。', 'invalid_region');
    const generated = input.password === undefined ? generatePassword() : undefined;
    const password = input.password ?? generated!;
    assertPolicy(password, username);
    const hash = await hashPassword(password);
    const at = this.now();
    const row = await this.pg.transaction(async (tx) => {
      const db = authDb(tx);
      if (await users.findUserByUsername(db, username)) throw conflict(`User "${username}" exists. / 用户已存在。`, 'user_exists');
      const created = await users.insertUser(db, {
        username,
        displayName: input.displayName,
        role: input.role as Role,
        regionCode: input.regionCode,
        passwordHash: hash,
        mustChangePassword: input.mustChangePassword ?? generated !== undefined,
        at,
      });
      await this.audit(tx, {
        action: 'user.create',
        outcome: 'success',
        actor,
        objectType: 'user',
        objectId: created.id,
        detail: { username, role: input.role, regionCode: input.regionCode },
        ip: client.ip,
      });
      return created;
    });
    const summary = (await this.listUsers()).find((u) => u.id === row.id)!;
    return generated === undefined ? { user: summary } : { user: summary, password: generated };
  }

  /** Disabling ends every session of the account at once. */
  async setDisabled(actor: AuditActor | null, userId: string, disabled: boolean, client: ClientInfo = {}): Promise<void> {
    if (disabled && actor?.id === userId) throw badRequest('You cannot disable your own account. / 不能停用自己的账户。', 'self_disable');
    await this.pg.transaction(async (tx) => {
      const db = authDb(tx);
      if (!(await users.setDisabled(db, userId, disabled ? this.now() : null))) throw notFound('No such user. / 用户不存在。');
      const ended = disabled ? await sessions.deleteUserSessions(db, userId) : 0;
      await this.audit(tx, {
        action: disabled ? 'user.disable' : 'user.enable',
        outcome: 'success',
        actor,
        objectType: 'user',
        objectId: userId,
        detail: disabled ? { sessionsEnded: ended } : {},
        ip: client.ip,
      });
    });
  }

  /** Sets a new generated password the user must change at next login; ends their sessions. */
  async resetPassword(
    actor: AuditActor | null,
    userId: string,
    client: ClientInfo = {},
    opts: { mustChangePassword?: boolean } = {},
  ): Promise<{ password: string }> {
    const target = await users.findUserById(this.db, userId);
    if (!target) throw notFound('No such user. / 用户不存在。');
    const password = generatePassword();
    const hash = await hashPassword(password);
    await this.pg.transaction(async (tx) => {
      const db = authDb(tx);
      await users.setPassword(db, userId, hash, this.now(), opts.mustChangePassword ?? true);
      const ended = await sessions.deleteUserSessions(db, userId);
      await this.audit(tx, {
        action: 'user.reset_password',
        outcome: 'success',
        actor,
        objectType: 'user',
        objectId: userId,
        detail: { sessionsEnded: ended },
        ip: client.ip,
      });
    });
    return { password };
  }

  async unlock(actor: AuditActor | null, userId: string, client: ClientInfo = {}): Promise<void> {
    await this.pg.transaction(async (tx) => {
      if (!(await users.unlockUser(authDb(tx), userId))) throw notFound('No such user. / 用户不存在。');
      await this.audit(tx, { action: 'user.unlock', outcome: 'success', actor, objectType: 'user', objectId: userId, ip: client.ip });
    });
  }

  async findUserIdByUsername(username: string): Promise<string | undefined> {
    return (await users.findUserByUsername(this.db, username.trim().toLowerCase()))?.id;
  }

  // ── Helpers ────────────────────────────────────────────────────────────

  private mustChange(row: users.UserRow, at: Date): boolean {
    if (row.must_change_password) return true;
    const days = this.config.passwordMaxAgeDays;
    return days > 0 && at.getTime() - row.password_changed_at.getTime() >= days * 86_400_000;
  }

  private toAuthUser(row: users.UserRow, scope: string[], sessionId: string, at: Date): AuthUser {
    return {
      id: row.id,
      username: row.username,
      displayName: row.display_name,
      role: row.role as Role,
      regionCode: row.region_code,
      regionScope: Object.freeze(scope),
      mustChangePassword: this.mustChange(row, at),
      totpEnabled: row.totp_secret !== null,
      sessionIdHash: sha256Hex(sessionId),
      csrfToken: csrfTokenFor(sessionId),
    };
  }
}

function actorOf(row: users.UserRow): AuditActor {
  return { id: row.id, username: row.username, role: row.role, regionCode: row.region_code };
}

function assertPolicy(password: string, username: string): void {
  const v = checkPasswordPolicy(password, username);
  if (v.length) throw badRequest(`Password: ${v.map((x) => POLICY_MESSAGES[x]).join('; ')}`, 'password_policy');
}

// One service per application context, so the routes and every `requireAuth` share the clock
// and the key. Tests install their own (with a fake clock) before building the app.
const services = new WeakMap<AppContext, AuthService>();

export function authService(ctx: AppContext): AuthService {
  let s = services.get(ctx);
  if (!s) {
    s = new AuthService(ctx.pg, ctx.config.auth, () => loadOrCreateKey(ctx.config.auth.secretKey, ctx.config.dataDir));
    services.set(ctx, s);
  }
  return s;
}

export function installAuthService(ctx: AppContext, service: AuthService): void {
  services.set(ctx, service);
}
