/** Roles and the signed-in user (`request.user`, declared on Fastify's request in require-auth.ts). */

export const ROLES = ['admin', 'analyst', 'auditor', 'deputy', 'observer'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(v: string): v is Role {
  return (ROLES as readonly string[]).includes(v);
}

/** The user a session resolves to, as routes see it in `request.user`. */
export interface AuthUser {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  /** The user's own region (6-digit administrative code). */
  regionCode: string;
  /** Every region code the user may see: their region and all regions below it. */
  regionScope: readonly string[];
  mustChangePassword: boolean;
  totpEnabled: boolean;
  /** SHA-256 of the session id (never the id itself). */
  sessionIdHash: string;
  /** The per-session CSRF token the client must echo in X-CSRF-Token. */
  csrfToken: string;
}
