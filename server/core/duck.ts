/**
 * DuckDB access (analytics). One instance per process: DuckDB allows a single writing process
 * per file. Results come back JSON-safe: DECIMAL and BIGINT as strings, dates as 'YYYY-MM-DD'.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';

export type DuckParams = DuckDBValue[] | Record<string, DuckDBValue>;
export type JsonRow = Record<string, string | number | boolean | null | unknown>;

export interface Duck {
  path: string;
  /** Run statements (no result wanted). */
  run(sql: string, params?: DuckParams): Promise<void>;
  /** Rows as JSON-safe objects. */
  all<T = JsonRow>(sql: string, params?: DuckParams): Promise<T[]>;
  /** A dedicated connection (for transactions or appenders); close it with `closeSync()`. */
  connect(): Promise<DuckDBConnection>;
  close(): Promise<void>;
}

/** `file` = path to a .duckdb file, or ':memory:' (tests); `memoryLimit` as DuckDB reads it ("1GB"). */
export async function openDuck(file: string, opts: { memoryLimit?: string } = {}): Promise<Duck> {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const instance = await DuckDBInstance.create(file, opts.memoryLimit ? { memory_limit: opts.memoryLimit } : undefined);
  const shared = await instance.connect();
  // Serialise use of the shared connection: a connection runs one statement at a time.
  let queue: Promise<unknown> = Promise.resolve();
  function serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = queue.then(fn, fn);
    queue = next.catch(() => undefined);
    return next;
  }
  return {
    path: file,
    run: (sql, params) =>
      serial(async () => {
        await shared.run(sql, params);
      }),
    all: <T>(sql: string, params?: DuckParams) => serial(async () => (await shared.runAndReadAll(sql, params)).getRowObjectsJson() as T[]),
    connect: () => instance.connect(),
    close: async () => {
      await queue.catch(() => undefined);
      shared.closeSync();
      instance.closeSync();
    },
  };
}
