/**
 * The browser's only way to the server: typed requests to /api, with the session's CSRF token. Errors become an `ApiError` whose
 * message is safe to show (the server's 4xx message; a generic one for anything else).
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly requestId?: string,
    /** The server's error code (`invalid_credentials`, `totp_required`, `csrf`, …). */
    readonly code?: string,
  ) {
    super(message);
  }
}

export type Params = Record<string, string | number | boolean | null | undefined>;

export function apiUrl(path: string, params: Params = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return `/api${path}${s ? `?${s}` : ''}`;
}

let csrfToken: string | undefined;

/** The session's CSRF token (from login or /api/auth/me), sent on every state-changing request. */
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

let unauthenticated: (code: string | undefined) => void = () => {
  const next = `${location.pathname}${location.search}`;
  if (location.pathname !== '/login') location.assign(`/login?next=${encodeURIComponent(next)}`);
};

/** What to do when the server answers 401 (no session or an expired one): the layout goes to /login. */
export function onUnauthenticated(fn: (code: string | undefined) => void): void {
  unauthenticated = fn;
}

export interface RequestOptions {
  signal?: AbortSignal;
  /** false for the calls whose 401 is an answer, not a lost session (login, the boot-time /me). */
  redirectOn401?: boolean;
}

/**
 * Every request to the server. State-changing methods carry X-CSRF-Token; a 401 sends the user
 * to the sign-in page; other errors become an `ApiError` with a message safe to show.
 */
export async function send<T>(
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  url: string,
  body?: unknown,
  opts: RequestOptions = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(url, { method, headers, signal: opts.signal, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, '');
  }
  if (!res.ok) {
    let b: { code?: string; message?: string; requestId?: string } = {};
    try {
      b = await res.json();
    } catch {
      // Not JSON (a proxy's error page): the generic message is shown.
    }
    if (res.status === 401 && opts.redirectOn401 !== false) unauthenticated(b.code);
    throw new ApiError(res.status, res.status >= 400 && res.status < 500 ? (b.message ?? '') : '', b.requestId, b.code);
  }
  return (await res.json()) as T;
}

export function getJson<T>(url: string, signal?: AbortSignal): Promise<T> {
  return send<T>('GET', url, undefined, { signal });
}

/** POST with a JSON body; errors as for GET (a 409 means someone changed the record meanwhile). */
export function postJson<T>(url: string, body: unknown, opts: RequestOptions = {}): Promise<T> {
  return send<T>('POST', url, body, opts);
}

export function putJson<T>(url: string, body: unknown): Promise<T> {
  return send<T>('PUT', url, body);
}
