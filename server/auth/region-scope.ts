/**
 * Record-level access by region (市级统建、区级部署): a city user sees the city and its districts,
 * a district user only its district. The scope is computed from the `region` hierarchy when the
 * session is resolved (see `loadRegionScope`), so these checks are synchronous.
 */
import type { AuthUser } from './auth.types.ts';

/** The region codes `user` may see. Use it in a `WHERE region_code = ANY(…)` / `IN (…)`. */
export function regionScope(user: Pick<AuthUser, 'regionScope'>): string[] {
  return [...user.regionScope];
}

export function canSee(user: Pick<AuthUser, 'regionScope'>, regionCode: string): boolean {
  return user.regionScope.includes(regionCode);
}
