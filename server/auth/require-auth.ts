/**
 * `requireAuth({ roles })`: the hook every protected route runs (server/auth/access.ts adds it). It resolves the session
 * cookie into `request.user`, enforces CSRF on state-changing methods, a pending password change
 * and the role list, and writes each refusal of a signed-in user to the audit trail.
 *
 * Anonymous refusals (no cookie, an unknown id) are not audited: they name nobody, and recording
 * them would let anyone grow the audit table at will. They are in the request log.
 */
import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import type { AuthUser, Role } from './auth.types.ts';
import { authService, csrfTokenMatches, forbidden, unauthenticated, type ClientInfo } from './auth.service.ts';
import { clearSessionCookie, readSessionCookie } from './session-cookie.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by `requireAuth`; undefined on routes that do not use it. */
    user?: AuthUser;
  }
}

export interface RequireAuthOptions {
  /** Roles allowed; absent = any signed-in user. */
  roles?: readonly Role[];
  /** For /me, /logout and /password: reachable while a password change is pending. */
  allowPendingPasswordChange?: boolean;
}

export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function clientInfo(request: FastifyRequest): ClientInfo {
  const ua = request.headers['user-agent'];
  return { ip: request.ip, userAgent: typeof ua === 'string' ? ua : undefined };
}

export function requireAuth(opts: RequireAuthOptions = {}): onRequestAsyncHookHandler {
  return async function requireAuthHook(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const service = authService(request.server.ctx);
    const client = clientInfo(request);
    const resolved = await service.resolveSession(readSessionCookie(request), client);
    if (!resolved.ok) {
      if (resolved.reason !== 'malformed') clearSessionCookie(request, reply);
      throw resolved.reason === 'idle_timeout' || resolved.reason === 'absolute_timeout'
        ? unauthenticated('The session has expired; sign in again. / 会话已过期，请重新登录。', 'session_expired')
        : unauthenticated();
    }
    const user = resolved.user;
    const deny = (reason: string, detail: Record<string, unknown> = {}) => recordDenial(request, user, reason, detail);

    if (!SAFE_METHODS.has(request.method)) {
      const presented = request.headers[CSRF_HEADER];
      if (!csrfTokenMatches(resolved.sessionId, typeof presented === 'string' ? presented : undefined)) {
        await deny('csrf');
        throw forbidden('Missing or wrong X-CSRF-Token header. / 缺少或错误的 CSRF 令牌。', 'csrf');
      }
    }
    if (user.mustChangePassword && !opts.allowPendingPasswordChange) {
      await deny('password_change_required');
      throw forbidden('Change your password first. / 请先修改密码。', 'password_change_required');
    }
    if (opts.roles && !opts.roles.includes(user.role)) {
      await deny('role', { role: user.role, allowed: opts.roles });
      throw forbidden('Your role may not do this. / 您的角色无此权限。');
    }
    request.user = user;
  };
}

/** One access.denied row: who, which route, why. */
export function recordDenial(request: FastifyRequest, user: AuthUser, reason: string, detail: Record<string, unknown> = {}): Promise<void> {
  return authService(request.server.ctx).recordEvent({
    action: 'access.denied',
    outcome: 'denied',
    actor: user,
    objectType: 'route',
    objectId: `${request.method} ${request.routeOptions.url ?? request.url.split('?')[0]}`,
    detail: { reason, ...detail },
    ip: request.ip,
  });
}

/** `request.user` on a route behind `requireAuth`; a 401 if the hook was forgotten. */
export function currentUser(request: FastifyRequest): AuthUser {
  if (!request.user) throw unauthenticated();
  return request.user;
}
