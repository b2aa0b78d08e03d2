/**
 * Record-level access by region (市级统建、区级部署): a city user sees the city and its districts,
 * a district user only its district. The scope is computed from the `region` hierarchy when the
 * session is resolved (see `loadRegionScope`), so these checks are synchronous.
 *
 * Every data route goes through the helpers below, whatever the browser sent:
 * - a region filter outside the scope is a 403 (`assertRegionVisible`); the same filter inside
 *   it is narrowed to the scope (`visibleRegions`), so "a city with its districts" never reaches
 *   past the user;
 * - a record asked for by id that lies outside the scope is a 404, as if absent, so ids of
 *   other regions reveal nothing (the routes that read by id do this);
 * - Postgres work runs through `scopedPg(request)`: as the role `caijian_app` with the scope in
 *   `caijian.region_scope`, so row-level security (sql/pg/004_rls.sql) filters every table with
 *   a region even where a query forgot to.
 */
import type { FastifyRequest } from 'fastify';
import type { Postgres } from '../core/pg.ts';
import { HttpError } from '../core/errors.ts';
import type { AuthUser } from './auth.types.ts';
import { currentUser } from './require-auth.ts';

/** The role request transactions run as: neither owner nor BYPASSRLS (sql/pg/004_rls.sql). */
export const APP_ROLE = 'caijian_app';
/** The transaction-local setting the row-level security policies read. */
export const SCOPE_SETTING = 'caijian.region_scope';

type Scoped = Pick<AuthUser, 'regionScope'>;

/** The region codes `user` may see. Use it in a `WHERE region_code = ANY(…)` / `IN (…)`. */
export function regionScope(user: Scoped): string[] {
  return [...user.regionScope];
}

export function canSee(user: Scoped, regionCode: string): boolean {
  return user.regionScope.includes(regionCode);
}

/** The 403 of a region outside the scope; the audit trail records which region was asked for. */
export class RegionForbidden extends HttpError {
  constructor(readonly region: string) {
    super(403, 'region_forbidden', `Region ${region} is outside your scope. / 地区 ${region} 不在您的管辖范围内。`);
  }
}

/** A region filter from the browser: 403 when it lies outside the user's scope. */
export function assertRegionVisible(user: Scoped, regionCode: string): void {
  if (!canSee(user, regionCode)) {
    throw new RegionForbidden(regionCode);
  }
}

/** `regions` narrowed to what the user may see (order kept). */
export function visibleRegions(user: Scoped, regions: readonly string[]): string[] {
  return regions.filter((r) => canSee(user, r));
}

/**
 * The request's Postgres: each transaction first runs `SET LOCAL ROLE caijian_app` and sets the
 * user's scope with `set_config(…, true)`; both end with the transaction, so a pooled connection
 * never carries one user's scope into the next request.
 */
export function scopedPg(request: FastifyRequest): Postgres {
  const scope = currentUser(request).regionScope.join(',');
  return request.server.ctx.pg.scoped(async (query) => {
    await query(`SET LOCAL ROLE ${APP_ROLE}`);
    await query(`SELECT set_config($1, $2, true)`, [SCOPE_SETTING, scope]);
  });
}
