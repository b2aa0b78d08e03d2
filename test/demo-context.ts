/**
 * The demo city (fixtures/generate.ts, 1e4 payments) loaded through the real ETL (etl/load.ts)
 * into PGlite + DuckDB, with every warning rule run — for API and browser tests of the pages.
 *
 * Generating and loading takes 1–2 minutes, so the loaded data directory is built once and
 * cached under the OS temp dir, keyed by a hash of everything that shapes it (generator, ETL, SQL,
 * rules, migrations); each test file opens its own copy, so files can run in parallel and write.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../server/core/config.ts';
import { openContext, type AppContext } from '../server/core/context.ts';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../server/app.ts';
import { ensureDemoUsers } from '../server/auth/demo-users.ts';
import { authHeaders, login } from '../server/auth/testing.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
// Bump BUILD_VERSION when build() below changes.
const BUILD_VERSION = 1;
const INPUTS = ['fixtures', 'etl', 'sql', 'server/core', 'server/warnings'];
export const DEMO_PAYMENTS = 10_000;

function hashInputs(): string {
  const h = crypto.createHash('sha256');
  const walk = (p: string) => {
    const st = fs.statSync(p);
    if (st.isDirectory()) for (const f of fs.readdirSync(p).sort()) walk(path.join(p, f));
    else if (/\.(ts|sql|json)$/.test(p) && !/\.(spec|test)\.ts$/.test(p)) h.update(path.relative(ROOT, p)).update(fs.readFileSync(p));
  };
  for (const i of INPUTS) walk(path.join(ROOT, i));
  return h.update(`${DEMO_PAYMENTS}/${BUILD_VERSION}`).digest('hex').slice(0, 16);
}

async function build(target: string): Promise<void> {
  const { generateDemo } = await import('../fixtures/generate.ts');
  const { loadPaths } = await import('../etl/load.ts');
  const { runWarnings } = await import('../server/warnings/warnings.service.ts');
  const work = `${target}.building-${process.pid}-${crypto.randomBytes(3).toString('hex')}`;
  fs.mkdirSync(work, { recursive: true });
  const source = path.join(work, 'demo-source');
  await generateDemo({ outDir: source, payments: DEMO_PAYMENTS });
  const ctx = await openContext(loadConfig({}, { dataDir: path.join(work, 'data') }), 'test demo build');
  try {
    const reports = await loadPaths(ctx, [source]);
    const rejected = reports.filter((r) => r.status === 'rejected');
    if (rejected.length) throw new Error(`demo files rejected: ${rejected.map((r) => r.file).join(', ')}`);
    await runWarnings(ctx, { trigger: 'test' });
  } catch (err) {
    await ctx.close();
    fs.rmSync(work, { recursive: true, force: true });
    throw err;
  }
  await ctx.close();
  fs.rmSync(source, { recursive: true, force: true });
  try {
    fs.renameSync(work, target);
  } catch {
    // Another test file built it meanwhile: use theirs.
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** A private copy of the loaded demo city; `close()` closes it and deletes the copy. */
export async function openDemoContext(): Promise<AppContext> {
  const cached = path.join(os.tmpdir(), `caijian-demo-${hashInputs()}`);
  if (!fs.existsSync(cached)) await build(cached);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caijian-demo-copy-'));
  fs.cpSync(path.join(cached, 'data'), dir, { recursive: true });
  const ctx = await openContext(loadConfig({}, { dataDir: dir }), 'test');
  return {
    ...ctx,
    async close() {
      await ctx.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A parsed JSON body (what `res.json()` gives), for tests to index freely. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests index response bodies freely, as with res.json()
type Json = any;

export interface DemoApp {
  ctx: AppContext;
  app: FastifyInstance;
  /** GET as a signed-in demo user (default: the city analyst, 990100 with its districts). */
  get(url: string, user?: string): Promise<{ status: number; body: Json }>;
  close(): Promise<void>;
}

/** The demo city behind the real app (buildApp), with the demo accounts signed in on demand. */
export async function openDemoApp(): Promise<DemoApp> {
  const ctx = await openDemoContext();
  const app = await buildApp(ctx, { web: false });
  const accounts = await ensureDemoUsers(ctx);
  const sessions = new Map<string, Record<string, string>>();
  const headersOf = async (user: string) => {
    let h = sessions.get(user);
    if (!h) {
      const a = accounts.find((x) => x.username === user);
      if (!a) throw new Error(`no demo account ${user}`);
      h = authHeaders(await login(app, a.username, a.password), false);
      sessions.set(user, h);
    }
    return h;
  };
  return {
    ctx,
    app,
    async get(url, user = 'analyst') {
      const res = await app.inject({ method: 'GET', url, headers: await headersOf(user) });
      return { status: res.statusCode, body: res.json() };
    },
    async close() {
      await app.close();
      await ctx.close();
    },
  };
}
