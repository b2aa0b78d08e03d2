/**
 * The signed-in user, as the server's /api/auth/me reports it. Every call goes through
 * client.ts, which keeps the CSRF token that came with the session.
 */
import { ApiError, postJson, send, setCsrfToken } from './client';

import type { Me } from './types';

interface MeResponse {
  user: Me;
  csrfToken: string;
}

export const session = $state<{ user: Me | null; checked: boolean }>({ user: null, checked: false });

function accept(r: MeResponse): Me {
  setCsrfToken(r.csrfToken);
  session.user = r.user;
  session.checked = true;
  return r.user;
}

/** Asks the server who is signed in; null when nobody is (a 401 here is an answer). */
export async function loadSession(): Promise<Me | null> {
  try {
    return accept(await send<MeResponse>('GET', '/api/auth/me', undefined, { redirectOn401: false }));
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      setCsrfToken(undefined);
      session.user = null;
      session.checked = true;
      return null;
    }
    throw err;
  }
}

export async function signIn(username: string, password: string, totp?: string): Promise<Me> {
  const body: Record<string, string> = { username, password };
  if (totp) body.totp = totp;
  return accept(await postJson<MeResponse>('/api/auth/login', body, { redirectOn401: false }));
}

export async function signOut(): Promise<void> {
  try {
    await postJson('/api/auth/logout', {}, { redirectOn401: false });
  } finally {
    setCsrfToken(undefined);
    session.user = null;
  }
}

/** Changes the own password; the session stays, the pending-change flag is re-read from the server. */
export async function changePassword(currentPassword: string, newPassword: string): Promise<void> {
  await postJson('/api/auth/password', { currentPassword, newPassword });
  await loadSession();
}

/** Where to go after signing in: a path of this site only (never `//host` or a full URL). */
export function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/login') ? next : '/';
}
