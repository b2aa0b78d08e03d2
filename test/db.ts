/**
 * Real databases for tests: every database test runs against PGlite and, when DATABASE_URL is
 * set (CI sets it), also against that Postgres server, in a fresh database per call.
 */
import crypto from 'node:crypto';
import pg from 'pg';
import { loadConfig } from '../server/core/config.ts';
import { openPostgres, type Postgres } from '../server/core/pg.ts';
import { openDuck, type Duck } from '../server/core/duck.ts';
import { migrateDuck, migratePostgres } from '../server/core/migrate.ts';

export interface PgTarget {
  name: 'pglite' | 'server';
  /** A migrated, empty database; close() drops it. */
  open(): Promise<Postgres>;
}

export function pgTargets(): PgTarget[] {
  const url = loadConfig().databaseUrl;
  const targets: PgTarget[] = [{ name: 'pglite', open: () => openMigrated({}) }];
  if (url) targets.push({ name: 'server', open: () => openServerDatabase(url) });
  return targets;
}

async function openMigrated(opts: Parameters<typeof openPostgres>[0]): Promise<Postgres> {
  const db = await openPostgres(opts);
  await migratePostgres(db);
  return db;
}

/** Creates a throwaway database on the server so tests never share state. */
export async function createServerDatabase(url: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `caijian_t_${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(url);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

async function openServerDatabase(url: string): Promise<Postgres> {
  const fresh = await createServerDatabase(url);
  const db = await openMigrated({ url: fresh.url, max: 4 });
  const close = db.close.bind(db);
  return Object.assign(db, {
    close: async () => {
      await close();
      await fresh.drop();
    },
  });
}

/** A migrated in-memory DuckDB. */
export async function openTestDuck(): Promise<Duck> {
  const duck = await openDuck(':memory:');
  await migrateDuck(duck);
  return duck;
}
