/**
 * The Fastify application, built by a function so that tests use `app.inject` and `serve` only
 * listens. Each domain contributes a plugin of routes under /api; the built dashboard (web/build)
 * is served for every other path.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AppContext } from './core/context.ts';
import { frameworkErrors, installErrorHandler } from './core/errors.ts';
import { installFiniteNumbers } from './core/finite-numbers.ts';
import { systemRoutes } from './system/system.routes.ts';
import { authRoutes } from './auth/auth.routes.ts';
import { analyticsRoutes } from './analytics/analytics.routes.ts';
import { debtRoutes } from './debt/debt.routes.ts';
import { projectRoutes } from './project/project.routes.ts';
import { assetsRoutes } from './assets/assets.routes.ts';
import { auditRoutes } from './audit/audit.routes.ts';
import { economyRoutes } from './economy/economy.routes.ts';
import { warningsRoutes } from './warnings/warnings.routes.ts';
import { registerApiDocs } from './warnings/api-docs.ts';
import { installAccessControl, type RegisteredRoute } from './auth/access.ts';
import { installHardening } from './auth/hardening.ts';

export const WEB_BUILD_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../web/build');

export interface BuildOptions {
  logger?: boolean;
  /** Serve the built dashboard when present (default true). */
  web?: boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    ctx: AppContext;
    /** Every /api route with the access it was given (server/auth/access.ts). */
    apiRoutes: readonly RegisteredRoute[];
  }
}

export async function buildApp(ctx: AppContext, opts: BuildOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger ? { level: ctx.config.logLevel } : false,
    bodyLimit: 1024 * 1024,
    // request.protocol and request.ip (Secure cookies, the audit trail) come from X-Forwarded-* only behind a trusted proxy.
    trustProxy: ctx.config.auth.trustProxy,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: false } },
    // A malformed URL or an over-long path parameter: answered by the router, in the error handler's shape.
    frameworkErrors,
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.decorate('ctx', ctx);
  installErrorHandler(app);
  // After validation: no ±Infinity coerced from a query string reaches a handler.
  installFiniteNumbers(app);
  // Before any route: every /api route registered from here on needs a session (deny by default).
  app.decorate('apiRoutes', installAccessControl(app));
  const serveWeb = opts.web !== false && fs.existsSync(path.join(WEB_BUILD_DIR, 'index.html'));
  // Security headers (CSP hashed from the built index.html) and rate limits (login, expensive routes).
  await installHardening(app, {
    indexHtmlPath: serveWeb ? path.join(WEB_BUILD_DIR, 'index.html') : undefined,
    loginPerMinute: ctx.config.auth.loginRateLimitPerMinute,
    expensivePercent: ctx.config.auth.expensiveRateLimitPercent,
  });
  // OpenAPI at /api/docs: registered before the routes so that it sees every one of them.
  await registerApiDocs(app);

  await app.register(systemRoutes, { prefix: '/api' });
  await app.register(authRoutes, { prefix: '/api' });
  await app.register(analyticsRoutes, { prefix: '/api' });
  await app.register(debtRoutes, { prefix: '/api' });
  await app.register(projectRoutes, { prefix: '/api' });
  await app.register(assetsRoutes, { prefix: '/api' });
  await app.register(auditRoutes, { prefix: '/api' });
  await app.register(economyRoutes, { prefix: '/api' });
  await app.register(warningsRoutes, { prefix: '/api' });

  if (serveWeb) {
    await app.register(fastifyStatic, { root: WEB_BUILD_DIR, wildcard: false });
    // Client-side routes of the single-page dashboard all load index.html.
    app.get('/*', (req, reply) => {
      if (req.url.startsWith('/api/')) return reply.callNotFound();
      return reply.sendFile('index.html');
    });
  }
  return app;
}
