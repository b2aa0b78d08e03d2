/**
 * The session cookie, written by hand (one cookie, one value alphabet) rather than through
 * @fastify/cookie, whose decorators would exist only inside the auth plugin's scope while
 * `requireAuth` runs in every other plugin.
 *
 * Flags: HttpOnly (scripts cannot read it), SameSite=Strict (the dashboard is a same-origin SPA:
 * its fetches always carry the cookie, and no cross-site request ever does), Path=/, Secure when
 * the request came over HTTPS; then the name takes the `__Host-` prefix so that a sibling
 * subdomain cannot plant or override it. No Max-Age: the cookie dies with the browser, and the
 * server enforces the idle and absolute limits whatever the browser keeps.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';

export const COOKIE_NAME = 'caijian_sid';
export const SECURE_COOKIE_NAME = '__Host-caijian_sid';

function isHttps(request: FastifyRequest): boolean {
  return request.protocol === 'https';
}

export function readSessionCookie(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  const wanted = isHttps(request) ? SECURE_COOKIE_NAME : COOKIE_NAME;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === wanted) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, sessionId: string): void {
  const secure = isHttps(request);
  const name = secure ? SECURE_COOKIE_NAME : COOKIE_NAME;
  reply.header('set-cookie', `${name}=${sessionId}; Path=/; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`);
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  const secure = isHttps(request);
  const name = secure ? SECURE_COOKIE_NAME : COOKIE_NAME;
  reply.header('set-cookie', `${name}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0${secure ? '; Secure' : ''}`);
}
