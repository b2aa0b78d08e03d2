/**
 * HTTP hardening for the whole app: security headers with a Content Security Policy the built
 * dashboard works under (@fastify/helmet), and rate limits on login and the expensive routes
 * (@fastify/rate-limit). Body size (413) and unknown properties (400) are Fastify's own
 * `bodyLimit` and the closed TypeBox schemas (server/app.ts).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import type { FastifyInstance, RouteOptions } from 'fastify';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import { HttpError } from '../core/errors.ts';

/**
 * The sha256 sources of the inline scripts of a built page (SvelteKit's static build has one
 * bootstrap script in index.html). Hashes rather than 'unsafe-inline': an injected script,
 * whatever its origin, does not run.
 */
export function inlineScriptHashes(html: string): string[] {
  const out: string[] = [];
  for (const m of html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/gi)) {
    out.push(`'sha256-${crypto.createHash('sha256').update(m[1]!, 'utf8').digest('base64')}'`);
  }
  return [...new Set(out)];
}

/** Requests per minute and client address for the routes that cost the most. */
export const EXPENSIVE_ROUTES: Record<string, number> = {
  'GET /api/analytics/aggregate': 240,
  'GET /api/analytics/facts': 240,
  'POST /api/warnings/run': 6,
  // Walks the whole hash chain.
  'GET /api/auth/audit-trail/verify': 6,
  // A count and free-text search over months of audit rows.
  'GET /api/auth/audit-trail': 60,
  // One per export click: more than this is a script growing the audit table.
  'POST /api/auth/audit-trail/exports': 60,
};

export interface HardeningOptions {
  /** The dashboard's index.html, when it is served (its inline scripts get hashed into the CSP). */
  indexHtmlPath?: string;
  /** Logins per minute and client address. */
  loginPerMinute: number;
  /** EXPENSIVE_ROUTES' limits scaled by this percentage (100 = as listed). */
  expensivePercent?: number;
}

/**
 * The hashes of the served index.html, re-read when the file changes: a rebuild of the dashboard
 * while the server runs gives the bootstrap script a new hash, and a stale one would blank the page.
 */
function pageScriptHashes(file: string | undefined): () => string {
  let seen = '';
  let hashes = '';
  return () => {
    if (!file) return '';
    try {
      const st = fs.statSync(file);
      const key = `${st.mtimeMs}:${st.size}`;
      if (key !== seen) {
        hashes = inlineScriptHashes(fs.readFileSync(file, 'utf8')).join(' ');
        seen = key;
      }
    } catch {
      hashes = '';
      seen = '';
    }
    return hashes;
  };
}

export async function installHardening(app: FastifyInstance, opts: HardeningOptions): Promise<void> {
  const hashes = pageScriptHashes(opts.indexHtmlPath);
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", hashes],
        // Style attributes in Svelte's templates and Swagger UI; CSS cannot run script, and the
        // data the pages show is text-bound, never injected as markup.
        styleSrc: ["'self'", "'unsafe-inline'"],
        // ECharts draws on canvas; chart images and exports are data: and blob: URLs.
        imgSrc: ["'self'", 'data:', 'blob:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    // Plain HTTP on a LAN is a supported deployment (HTTPS at a proxy is recommended): do not
    // ask browsers to rewrite subresource URLs to https.
    strictTransportSecurity: { maxAge: 15_552_000, includeSubDomains: false },
    crossOriginEmbedderPolicy: false,
  });

  // One limiter for the whole app (per client address); routes opt in through config.rateLimit,
  // set here from the tables so that route files need not know.
  app.addHook('onRoute', (route: RouteOptions) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const m of methods) {
      const key = `${m.toUpperCase()} ${route.url}`;
      const listed = EXPENSIVE_ROUTES[key];
      const max =
        key === 'POST /api/auth/login'
          ? opts.loginPerMinute
          : listed === undefined
            ? undefined
            : Math.max(1, Math.round((listed * (opts.expensivePercent ?? 100)) / 100));
      if (max !== undefined) route.config = { ...(route.config ?? {}), rateLimit: { max, timeWindow: 60_000 } };
    }
  });
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: () => new HttpError(429, 'rate_limited', 'Too many requests; wait a minute. / 请求过于频繁，请稍后再试。'),
  });
}
