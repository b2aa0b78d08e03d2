/**
 * Who may call which /api route: one table, applied in one place. `installAccessControl` adds an
 * `onRoute` hook, so every route registered after it — including routes other domains add later —
 * gets `requireAuth` in front of its own hooks (onRequest, before the body is parsed). A route that is in neither this table nor
 * its own `config.access` still needs a session, and is refused to every role on a
 * state-changing method: new write routes are denied until someone decides who may call them.
 *
 * Anonymous on purpose:
 * - POST /api/auth/login: there is no session yet (it is rate-limited and CSRF-safe by its JSON
 *   body, see auth.routes.ts). The CSRF token comes with login and GET /api/auth/me, which needs
 *   the session cookie, so no anonymous CSRF bootstrap is needed.
 * - GET /api/health: probes from a load balancer or `caijian serve` watchers carry no session; it
 *   answers ok and the database kinds, no data.
 * - /api/docs (OpenAPI + Swagger UI): generated from the route schemas; it names routes and
 *   parameters but holds no data, and the same names are in the shipped dashboard bundle. Every
 *   route it documents still refuses a caller without a session.
 *
 * Region scope is not decided here: a route that reads or writes regional data narrows it to
 * `request.user.regionScope` (server/auth/region-scope.ts) and runs its Postgres work through
 * `scopedPg(request)` (row-level security, sql/pg/004_rls.sql).
 */
import type { FastifyInstance, RouteOptions } from 'fastify';
import { ROLES, type Role } from './auth.types.ts';
import { recordDenial, requireAuth, type RequireAuthOptions } from './require-auth.ts';
import { HttpError } from '../core/errors.ts';
import { RegionForbidden } from './region-scope.ts';

export type Access = 'public' | RequireAuthOptions;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Overrides ROUTE_ACCESS for this route. */
    access?: Access;
  }
}

const ALL: readonly Role[] = ROLES;
const READ = { roles: ALL } as const;
const SIGNED_IN_PENDING = { allowPendingPasswordChange: true } as const;

/**
 * `METHOD /api/path` → access. Roles (issue 5): admin — users and rule parameters; analyst —
 * everything in scope and the warning workflow; auditor — audit area and rectification
 * workflow, reads the rest; deputy — reads summaries and details (payee names of persons
 * masked), submits opinions; observer — reads.
 */
export const ROUTE_ACCESS: Record<string, Access> = {
  'GET /api/health': 'public',
  // ETL batches and reconciliation: operational, not a deputy's or observer's summary.
  'GET /api/system/status': { roles: ['admin', 'analyst', 'auditor'] },

  'POST /api/auth/login': 'public',
  'POST /api/auth/logout': SIGNED_IN_PENDING,
  'GET /api/auth/me': SIGNED_IN_PENDING,
  'POST /api/auth/password': SIGNED_IN_PENDING,
  'POST /api/auth/totp/setup': {},
  'POST /api/auth/totp/confirm': {},
  'GET /api/auth/users': { roles: ['admin'] },
  'POST /api/auth/users': { roles: ['admin'] },
  'POST /api/auth/users/:id/disable': { roles: ['admin'] },
  'POST /api/auth/users/:id/enable': { roles: ['admin'] },
  'POST /api/auth/users/:id/unlock': { roles: ['admin'] },
  'POST /api/auth/users/:id/reset-password': { roles: ['admin'] },
  // The security audit trail: admins search it (rows of their scope) and check its chain; every
  // signed-in user's browser records its exports in it.
  'GET /api/auth/audit-trail': { roles: ['admin'] },
  'GET /api/auth/audit-trail/verify': { roles: ['admin'] },
  'POST /api/auth/audit-trail/exports': READ,

  'GET /api/analytics/aggregate': READ,
  'GET /api/analytics/facts': READ,
  'GET /api/analytics/meta': READ,

  'GET /api/debt/positions': READ,
  'GET /api/debt/maturity': READ,
  'GET /api/debt/bonds': READ,

  'GET /api/warnings': READ,
  'GET /api/warnings/:id': READ,
  'GET /api/warnings/:id/evidence': READ,
  'POST /api/warnings/:id/status': { roles: ['analyst'] },
  'POST /api/warnings/:id/assignee': { roles: ['analyst'] },
  'POST /api/warnings/:id/comments': { roles: ['analyst', 'auditor'] },
  'POST /api/warnings/run': { roles: ['admin', 'analyst'] },
  'GET /api/warning-rules': READ,
  'PUT /api/warning-rules/:ruleId/params': { roles: ['admin'] },
  'GET /api/warning-rules/:ruleId/params/history': READ,
};

const PUBLIC_PREFIXES = ['/api/docs'];
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** What applies to one route (method in upper case, url with its /api prefix). */
export function accessFor(method: string, url: string, config?: { access?: Access }): Access {
  if (config?.access) return config.access;
  if (PUBLIC_PREFIXES.some((p) => url === p || url.startsWith(`${p}/`))) return 'public';
  const m = method === 'HEAD' ? 'GET' : method;
  const listed = ROUTE_ACCESS[`${m} ${url}`];
  if (listed) return listed;
  // Deny by default: a session always; for a state change, also a decision nobody has made yet.
  return SAFE_METHODS.has(m) ? READ : { roles: [] };
}

export interface RegisteredRoute {
  method: string;
  url: string;
  access: Access;
  /** The route's schemas (the authorization matrix test builds requests from them). */
  schema: RouteOptions['schema'];
}

/**
 * Call before registering any route. Returns the list of /api routes it protected (filled as
 * routes are registered), which the authorization matrix test enumerates.
 */
export function installAccessControl(app: FastifyInstance): RegisteredRoute[] {
  const seen: RegisteredRoute[] = [];
  app.addHook('onRoute', (route: RouteOptions) => {
    // The dashboard's static files and its client-side routes are public; its data is not.
    if (route.url !== '/api' && !route.url.startsWith('/api/')) return;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const accesses = methods.map((m) => accessFor(m.toUpperCase(), route.url, route.config as { access?: Access } | undefined));
    for (const [i, m] of methods.entries())
      seen.push({ method: m.toUpperCase(), url: route.url, access: accesses[i]!, schema: route.schema });
    const access = accesses[0]!;
    if (access === 'public') return;
    // onRequest, before the body is read or validated: an anonymous or unauthorised caller gets
    // 401/403 without the server parsing what it sent.
    const existing = route.onRequest === undefined ? [] : Array.isArray(route.onRequest) ? route.onRequest : [route.onRequest];
    route.onRequest = [requireAuth(access), ...existing];
  });
  // A refusal inside a route — a region outside the user's scope, a payee filter a deputy may not
  // use — goes to the audit trail like requireAuth's own refusals (which leave request.user unset,
  // so they are not recorded twice). Codes whose service records the refusal itself are skipped.
  app.addHook('onError', async (request, _reply, err) => {
    const user = request.user;
    if (!user || !(err instanceof HttpError) || err.statusCode !== 403 || AUDITED_BY_SERVICE.has(err.code)) return;
    // A failure to record is logged; the refusal itself stands either way.
    await recordDenial(request, user, err.code, err instanceof RegionForbidden ? { region: err.region } : {}).catch((e: unknown) =>
      request.log.error({ err: e }, 'could not record a refusal in the audit trail'),
    );
  });
  return seen;
}

/** 403s recorded by the service that refused (a wrong current password is an auth.password_change failure). */
const AUDITED_BY_SERVICE = new Set(['bad_current_password']);
