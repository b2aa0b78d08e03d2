/**
 * The browser's only way to the server: typed GETs to /api. Errors become an `ApiError` whose
 * message is safe to show (the server's 4xx message; a generic one for anything else).
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly requestId?: string,
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

export async function getJson<T>(url: string, signal?: AbortSignal): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, { signal, headers: { accept: 'application/json' } });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, '');
  }
  if (!res.ok) {
    let body: { message?: string; requestId?: string } = {};
    try {
      body = await res.json();
    } catch {
      // Not JSON (a proxy's error page): the generic message is shown.
    }
    throw new ApiError(res.status, res.status >= 400 && res.status < 500 ? (body.message ?? '') : '', body.requestId);
  }
  return (await res.json()) as T;
}

/** POST with a JSON body; errors as for GET (a 409 means someone changed the record meanwhile). */
export async function postJson<T>(url: string, body: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, '');
  }
  if (!res.ok) {
    let b: { message?: string; requestId?: string } = {};
    try {
      b = await res.json();
    } catch {
      // Not JSON: the generic message is shown.
    }
    throw new ApiError(res.status, res.status >= 400 && res.status < 500 ? (b.message ?? '') : '', b.requestId);
  }
  return (await res.json()) as T;
}
