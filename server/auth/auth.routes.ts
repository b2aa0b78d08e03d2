/**
 * /api/auth: login, logout, the current user, own password and TOTP, and user administration.
 *
 * CSRF: synchronizer token. Each session has a token (HMAC of the session id, see
 * `csrfTokenFor`) returned by login and /me; every non-GET request behind `requireAuth` must echo
 * it in X-CSRF-Token. Login itself has no session yet: it accepts only a JSON body, which a
 * cross-site form cannot send and a cross-site fetch cannot send without a CORS preflight this
 * server never grants.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { HttpError } from '../core/errors.ts';
import type { AuthUser } from './auth.types.ts';
import { authService, forbidden } from './auth.service.ts';
import { canSee } from './region-scope.ts';
import { clientInfo, currentUser } from './require-auth.ts';
import { clearSessionCookie, readSessionCookie, setSessionCookie } from './session-cookie.ts';
import { auditTrailRoutes } from './audit-trail.routes.ts';
import {
  CreateUserBody,
  CreateUserResponse,
  LoginBody,
  LoginResponse,
  MeResponse,
  NoBody,
  OkResponse,
  PasswordBody,
  PasswordResponse,
  TotpConfirmBody,
  TotpSetupResponse,
  UserIdParams,
  UserListResponse,
} from './auth.schema.ts';

function me(user: AuthUser) {
  return {
    user: {
      id: user.id,
      username: user.username,
      displayName: user.displayName,
      role: user.role,
      regionCode: user.regionCode,
      regionScope: [...user.regionScope],
      mustChangePassword: user.mustChangePassword,
      totpEnabled: user.totpEnabled,
    },
    csrfToken: user.csrfToken,
  };
}

export const authRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const service = authService(app.ctx);
  // Who may call each route is in server/auth/access.ts (ROUTE_ACCESS), applied by the onRoute
  // hook of installAccessControl: no route here names its own preHandler.

  // Logins are rate-limited per client address (server/auth/hardening.ts), on top of the
  // per-account lockout: that slows password spraying across many accounts.

  // Credentials, tokens and user lists must not be kept by browsers or proxies (ASVS 8.2.1).
  app.addHook('onSend', async (_req, reply) => {
    reply.header('cache-control', 'no-store');
  });

  app.post(
    '/auth/login',
    {
      schema: { body: LoginBody, response: { 200: LoginResponse } },
    },
    async (req, reply) => {
      const r = await service.login({ ...req.body, ...clientInfo(req), previousSessionId: readSessionCookie(req) });
      setSessionCookie(req, reply, r.sessionId);
      return { ...me(r.user), expiresAt: r.expiresAt.toISOString() };
    },
  );

  app.post('/auth/logout', { schema: { body: NoBody, response: { 200: OkResponse } } }, async (req, reply) => {
    await service.logout(currentUser(req), clientInfo(req));
    clearSessionCookie(req, reply);
    return { ok: true as const };
  });

  // Search, chain check and export records: audit-trail.routes.ts (inherits the no-store hook above).
  await app.register(auditTrailRoutes);

  app.get('/auth/me', { schema: { response: { 200: MeResponse } } }, async (req) => me(currentUser(req)));

  app.post('/auth/password', { schema: { body: PasswordBody, response: { 200: OkResponse } } }, async (req) => {
    await service.changePassword(currentUser(req), req.body.currentPassword, req.body.newPassword, clientInfo(req));
    return { ok: true as const };
  });

  app.post('/auth/totp/setup', { schema: { body: NoBody, response: { 200: TotpSetupResponse } } }, async (req) =>
    service.beginTotp(currentUser(req)),
  );

  app.post('/auth/totp/confirm', { schema: { body: TotpConfirmBody, response: { 200: OkResponse } } }, async (req) => {
    await service.confirmTotp(currentUser(req), req.body.code, clientInfo(req));
    return { ok: true as const };
  });

  // ── Administration: an admin manages the accounts of the regions in their scope ──

  async function targetInScope(user: AuthUser, id: string): Promise<void> {
    const target = (await service.listUsers()).find((u) => u.id === id);
    // The same answer for "absent" and "outside your regions", so ids of other regions leak nothing.
    if (!target || !canSee(user, target.regionCode)) throw new HttpError(404, 'not_found', 'No such user. / 用户不存在。');
  }

  app.get('/auth/users', { schema: { response: { 200: UserListResponse } } }, async (req) => {
    const user = currentUser(req);
    return { users: (await service.listUsers()).filter((u) => canSee(user, u.regionCode)) };
  });

  app.post('/auth/users', { schema: { body: CreateUserBody, response: { 200: CreateUserResponse } } }, async (req) => {
    const user = currentUser(req);
    if (!canSee(user, req.body.regionCode)) throw forbidden('That region is outside yours. / 该地区不在您的管辖范围内。');
    // A first password, typed or generated, is known to the admin who set it: the user changes it at first sign-in.
    return service.createUser(user, { ...req.body, mustChangePassword: true }, clientInfo(req));
  });

  const adminAction = (path: string, run: (user: AuthUser, id: string, client: ReturnType<typeof clientInfo>) => Promise<void>): void => {
    app.post(path, { schema: { params: UserIdParams, body: NoBody, response: { 200: OkResponse } } }, async (req) => {
      const user = currentUser(req);
      const { id } = req.params as { id: string };
      await targetInScope(user, id);
      await run(user, id, clientInfo(req));
      return { ok: true as const };
    });
  };
  adminAction('/auth/users/:id/disable', (u, id, c) => service.setDisabled(u, id, true, c));
  adminAction('/auth/users/:id/enable', (u, id, c) => service.setDisabled(u, id, false, c));
  adminAction('/auth/users/:id/unlock', (u, id, c) => service.unlock(u, id, c));

  app.post(
    '/auth/users/:id/reset-password',
    { schema: { params: UserIdParams, body: NoBody, response: { 200: PasswordResponse } } },
    async (req) => {
      const user = currentUser(req);
      await targetInScope(user, req.params.id);
      return service.resetPassword(user, req.params.id, clientInfo(req));
    },
  );
};
