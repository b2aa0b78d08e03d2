/**
 * Postgres access: the embedded PGlite (default, under dataDir/pg) or a Postgres server
 * (DATABASE_URL). Both are driven through node-postgres and Kysely with the same code; only
 * COPY differs (PGlite takes a blob, a server a stream).
 */
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { Kysely, PostgresDialect, type Transaction } from 'kysely';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import type { DB } from './db.types.ts';

// NUMERIC and BIGINT arrive as strings (exact); DATE as 'YYYY-MM-DD' rather than a local-time Date.
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);

export interface PgTx {
  db: Transaction<DB> | Kysely<DB>;
  /** Raw query on the transaction's connection. */
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
  /**
   * COPY CSV text (no header, UTF-8) into `table (columns)`. `chunks` yields CSV text; for PGlite
   * each chunk becomes one COPY so memory stays bounded by the chunk size.
   */
  copyCsv(table: string, columns: readonly string[], chunks: AsyncIterable<string> | Iterable<string>): Promise<void>;
  /**
   * COPY (query) TO CSV (no header, UTF-8): the bytes are handed to `sink` as they come (a
   * server streams; PGlite returns one blob).
   */
  copyOutCsv(query: string, sink: (bytes: Uint8Array) => void): Promise<void>;
}

export interface Postgres {
  kind: 'pglite' | 'server';
  /** For queries outside an explicit transaction. */
  db: Kysely<DB>;
  /** One transaction on one connection: Kysely, raw queries and COPY all inside it. */
  transaction<T>(fn: (tx: PgTx) => Promise<T>): Promise<T>;
  /** Like `transaction` but without BEGIN/COMMIT (for statements that cannot run in one). */
  withConnection<T>(fn: (tx: PgTx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /** A description safe to print (no password). */
  describe(): string;
  /**
   * The same database seen through a session prelude: every connection it hands out (Kysely
   * `db`, `transaction`, `withConnection`) is inside a transaction that first ran `prelude`
   * (e.g. `SET LOCAL ROLE …` and `set_config(…, true)` for row-level security). Everything in the
   * prelude is transaction-local, so nothing survives into the next user of the pooled connection.
   * `db` runs each query (or Kysely connection checkout) in a transaction of its own; do not call
   * Kysely's `db.transaction()` on it — use `transaction`.
   */
  scoped(prelude: SessionPrelude): Postgres;
}

/** Statements run at the start of every transaction of a scoped `Postgres`. */
export type SessionPrelude = (query: PgTx['query']) => Promise<void>;

export interface PgOptions {
  /** Postgres server URL; when absent, PGlite. */
  url?: string;
  /** PGlite data directory; absent = in memory (tests). */
  dataDir?: string;
  /** Pool size for a server (PGlite has one connection). */
  max?: number;
}

export async function openPostgres(opts: PgOptions): Promise<Postgres> {
  if (opts.url) {
    const pool = new pg.Pool({ connectionString: opts.url, max: opts.max ?? 8 });
    return fromPool('server', pool, undefined, redact(opts.url), async () => undefined);
  }
  if (opts.dataDir) fs.mkdirSync(path.dirname(opts.dataDir), { recursive: true });
  const lite = await PGlite.create({ dataDir: opts.dataDir, extensions: { pg_trgm } });
  const pool = new pg.Pool({ ...createPgConfig(lite), max: 1 });
  return fromPool('pglite', pool, lite, opts.dataDir ? `PGlite at ${opts.dataDir}` : 'PGlite in memory', () => lite.close());
}

function fromPool(
  kind: Postgres['kind'],
  pool: pg.Pool,
  lite: PGlite | undefined,
  description: string,
  close: () => Promise<void>,
): Postgres {
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  // An idle pooled connection closed by the server (restart, DROP DATABASE … FORCE) is dropped
  // by the pool; without a listener the error would crash the process.
  pool.on('error', () => undefined);

  async function onClient<T>(begin: boolean, fn: (tx: PgTx) => Promise<T>, prelude?: SessionPrelude): Promise<T> {
    const client = await pool.connect();
    // A Kysely bound to this one connection, so that typed queries join the transaction.
    const single = new Kysely<DB>({
      dialect: new PostgresDialect({
        // A proxy, not Object.create(client): pg.Client keeps its query state on `this`, and a
        // prototype-derived copy would split that state from the socket handlers (→ "unexpected
        // rowDescription message"). Methods run on the real client; release is a no-op here.
        pool: { connect: async () => boundClient(client), end: async () => {} },
      }),
    });
    const tx: PgTx = {
      db: single,
      query: (text, values) => client.query(text, values as unknown[]),
      async copyCsv(table, columns, chunks) {
        const target = `${quoteIdent(table)} (${columns.map(quoteIdent).join(', ')})`;
        if (lite) {
          for await (const chunk of chunks) {
            if (chunk.length === 0) continue;
            await lite.query(`COPY ${target} FROM '/dev/blob' WITH (FORMAT csv)`, [], { blob: new Blob([chunk]) });
          }
          return;
        }
        const sink = client.query(copyFrom(`COPY ${target} FROM STDIN WITH (FORMAT csv)`));
        await pipeline(Readable.from(chunks, { objectMode: false }), sink);
      },
      async copyOutCsv(query, sink) {
        const sql = `COPY (${query}) TO ${lite ? "'/dev/blob'" : 'STDOUT'} WITH (FORMAT csv)`;
        if (lite) {
          const res = await lite.query(sql);
          if (res.blob) sink(new Uint8Array(await res.blob.arrayBuffer()));
          return;
        }
        const source = client.query(copyTo(sql));
        for await (const chunk of source as AsyncIterable<Buffer>) sink(chunk);
      },
    };
    let failed = false;
    try {
      if (begin) await client.query('BEGIN');
      if (prelude) await prelude((text, values) => client.query(text, values as unknown[]));
      const result = await fn(tx);
      if (begin) await client.query('COMMIT');
      return result;
    } catch (err) {
      failed = true;
      if (begin) await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      await single.destroy();
      // A connection that failed mid-COPY may be unusable; do not hand it back to the pool.
      client.release(failed && kind === 'server' ? true : undefined);
    }
  }

  function scoped(prelude: SessionPrelude): Postgres {
    // Each Kysely checkout is one transaction: BEGIN + prelude on connect, COMMIT on release (a
    // failed statement has already aborted it, and COMMIT then rolls back).
    const scopedDb = new Kysely<DB>({
      dialect: new PostgresDialect({
        pool: {
          connect: async () => {
            const client = await pool.connect();
            try {
              await client.query('BEGIN');
              await prelude((text, values) => client.query(text, values as unknown[]));
            } catch (err) {
              client.release(true);
              throw err;
            }
            return new Proxy(client, {
              get(target, prop) {
                if (prop === 'release')
                  return () => {
                    target.query('COMMIT').then(
                      () => target.release(),
                      (err: Error) => target.release(err),
                    );
                  };
                const v: unknown = Reflect.get(target, prop, target);
                return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
              },
            });
          },
          end: async () => {},
        },
      }),
    });
    return {
      kind,
      db: scopedDb,
      // SET LOCAL needs a transaction, so a scoped connection always has one.
      transaction: (fn) => onClient(true, fn, prelude),
      withConnection: (fn) => onClient(true, fn, prelude),
      close: () => scopedDb.destroy(),
      describe: () => `${description} (scoped)`,
      scoped: () => {
        throw new Error('a scoped Postgres cannot be scoped again');
      },
    };
  }

  return {
    kind,
    db,
    transaction: (fn) => onClient(true, fn),
    withConnection: (fn) => onClient(false, fn),
    close: async () => {
      await db.destroy();
      // Kysely ends the pool only if it ever used it.
      if (!pool.ended) await pool.end();
      await close();
    },
    describe: () => description,
    scoped,
  };
}

function boundClient(client: pg.PoolClient): pg.PoolClient {
  return new Proxy(client, {
    get(target, prop) {
      if (prop === 'release') return () => {};
      const v: unknown = Reflect.get(target, prop, target);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

export function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unsafe identifier: ${name}`);
  return `"${name}"`;
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}
