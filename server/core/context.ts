/**
 * Opens everything a command or the server needs: Postgres (PGlite or server), DuckDB, both
 * migrated. The embedded databases belong to one process at a time: a lock file under dataDir
 * turns a second process's attempt into a clear message instead of a corrupted PGlite.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from './config.ts';
import { openPostgres, type Postgres } from './pg.ts';
import { openDuck, type Duck } from './duck.ts';
import { migrateDuck, migratePostgres } from './migrate.ts';

export interface AppContext {
  config: Config;
  pg: Postgres;
  duck: Duck;
  close(): Promise<void>;
}

export class DataDirLockedError extends Error {
  constructor(
    readonly lockFile: string,
    readonly holder: { pid: number; command: string },
  ) {
    super(
      `The data directory is in use by another caijian process (pid ${holder.pid}, "${holder.command}"). ` +
        `Stop it first: the embedded databases allow one process at a time. / 数据目录正被另一个 caijian 进程使用（pid ${holder.pid}），请先停止该进程。`,
    );
  }
}

export async function openContext(config: Config, command: string): Promise<AppContext> {
  fs.mkdirSync(config.dataDir, { recursive: true });
  const release = acquireLock(path.join(config.dataDir, 'caijian.lock'), command);
  try {
    const pg = await openPostgres(config.databaseUrl ? { url: config.databaseUrl } : { dataDir: path.join(config.dataDir, 'pg') });
    await migratePostgres(pg);
    const duck = await openDuck(config.duckdbPath, { memoryLimit: config.duckdbMemoryLimit });
    await migrateDuck(duck);
    return {
      config,
      pg,
      duck,
      async close() {
        await duck.close();
        await pg.close();
        release();
      },
    };
  } catch (err) {
    release();
    throw err;
  }
}

function acquireLock(file: string, command: string): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, JSON.stringify({ pid: process.pid, command }), { flag: 'wx' });
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        fs.rmSync(file, { force: true });
        process.off('exit', release);
      };
      process.on('exit', release);
      return release;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = readLock(file);
      if (holder && isAlive(holder.pid) && holder.pid !== process.pid) throw new DataDirLockedError(file, holder);
      // A stale lock from a process that was killed: take it over.
      fs.rmSync(file, { force: true });
    }
  }
  throw new Error(`could not take the lock ${file}`);
}

function readLock(file: string): { pid: number; command: string } | undefined {
  try {
    const v = JSON.parse(fs.readFileSync(file, 'utf8')) as { pid: number; command: string };
    return typeof v.pid === 'number' ? v : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
