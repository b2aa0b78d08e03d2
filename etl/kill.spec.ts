/**
 * Kill test: a child process loads a payments CSV and is SIGKILLed at a random moment (delays
 * spread over parse, COPY, commit and DuckDB publish). After each kill: Postgres holds only
 * whole batches, DuckDB only whole batches that Postgres committed; after recovery DuckDB holds
 * exactly Postgres's live batches; a final rerun completes and reconciles.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../server/core/config.ts';
import { openPostgres, type Postgres } from '../server/core/pg.ts';
import { openDuck } from '../server/core/duck.ts';
import { openContext } from '../server/core/context.ts';
import { createServerDatabase } from '../test/db.ts';
import { recover } from './load.ts';
import { etlStatus } from './status.ts';
import { writePayments, writeReference } from './testdata/make.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CHILD = path.join(ROOT, 'etl/testdata/child-load.ts');
const ROWS = 50_000;
const TRIALS = 10;

function runChild(
  env: NodeJS.ProcessEnv,
  args: string[],
  killAfterMs?: number,
): Promise<{ code: number | null; killed: boolean; ms: number; out: string }> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let ready = t0;
    let killed = false;
    let timer: NodeJS.Timeout | undefined;
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      out += d.toString();
      if (ready === t0 && out.includes('READY')) {
        ready = Date.now();
        if (killAfterMs !== undefined) timer = setTimeout(() => (killed = child.kill('SIGKILL')), killAfterMs);
      }
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (timer) clearTimeout(timer);
      resolve({ code, killed: killed && code === null, ms: Date.now() - ready, out });
    });
  });
}

interface Target {
  name: string;
  setup(dir: string): Promise<{ env: NodeJS.ProcessEnv; config: Config; openPg(): Promise<Postgres>; drop(): Promise<void> }>;
}

const targets: Target[] = [
  {
    name: 'pglite',
    setup: async (dir) => {
      const config = loadConfig({}, { dataDir: dir, databaseUrl: undefined });
      const env = { ...process.env, CAIJIAN_DATA_DIR: dir, DATABASE_URL: '' };
      return { env, config, openPg: () => openPostgres({ dataDir: path.join(dir, 'pg') }), drop: async () => undefined };
    },
  },
];
const serverUrl = loadConfig().databaseUrl;
if (serverUrl) {
  targets.push({
    name: 'server',
    setup: async (dir) => {
      const db = await createServerDatabase(serverUrl);
      const config = loadConfig({}, { dataDir: dir, databaseUrl: db.url });
      const env = { ...process.env, CAIJIAN_DATA_DIR: dir, DATABASE_URL: db.url };
      return { env, config, openPg: () => openPostgres({ url: db.url, max: 2 }), drop: () => db.drop() };
    },
  });
}

async function checkWhole(openPg: () => Promise<Postgres>, duckPath: string, afterRecovery: boolean): Promise<{ liveRows: number[] }> {
  const pg = await openPg();
  const duck = await openDuck(duckPath);
  try {
    const batches = await pg.withConnection((tx) =>
      tx.query<{ id: string; status: string; row_count: string; n: string }>(
        `SELECT b.id, b.status, b.row_count, (SELECT count(*) FROM payment p WHERE p.batch_id = b.id) AS n FROM load_batch b WHERE b.kind = 'payments'`,
      ),
    );
    const byId = new Map(batches.rows.map((b) => [Number(b.id), b]));
    for (const b of batches.rows) if (b.status !== 'replaced') expect(Number(b.n), `pg batch ${b.id}`).toBe(Number(b.row_count));
    const strays = await pg.withConnection((tx) =>
      tx.query<{ n: string }>(
        `SELECT count(*) AS n FROM payment WHERE batch_id NOT IN (SELECT id FROM load_batch WHERE status <> 'replaced')`,
      ),
    );
    expect(Number(strays.rows[0]?.n)).toBe(0);
    const duckBatches = await duck.all<{ b: string; n: string }>(
      `SELECT CAST(batch_id AS VARCHAR) AS b, CAST(count(*) AS VARCHAR) AS n FROM payment GROUP BY 1`,
    );
    for (const d of duckBatches) {
      const b = byId.get(Number(d.b));
      expect(b, `duck batch ${d.b} is a Postgres batch`).toBeDefined();
      expect(Number(d.n), `duck batch ${d.b} is whole`).toBe(Number(b?.row_count));
    }
    if (afterRecovery) {
      const live = batches.rows.filter((b) => b.status !== 'replaced').map((b) => Number(b.id));
      expect(duckBatches.map((d) => Number(d.b)).sort()).toEqual(live.sort());
      expect(batches.rows.filter((b) => b.status === 'committed')).toEqual([]);
    }
    return { liveRows: batches.rows.filter((b) => b.status !== 'replaced').map((b) => Number(b.row_count)) };
  } finally {
    await duck.close();
    await pg.close();
  }
}

describe.each(targets)('kill test on $name', (target) => {
  it(`survives ${TRIALS} SIGKILLs at random moments of a ${ROWS}-row load`, { timeout: 900_000 }, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `etl-kill-${target.name}-`));
    const t = await target.setup(dir);
    try {
      const ref = writeReference(path.join(dir, 'ref'));
      const v1 = path.join(dir, 'v1', 'payments_kill.csv');
      const v2 = path.join(dir, 'v2', 'payments_kill.csv');
      fs.mkdirSync(path.dirname(v1));
      fs.mkdirSync(path.dirname(v2));
      writePayments(v1, ROWS, 'K');
      writePayments(v2, ROWS + 777, 'K');
      const r0 = await runChild(t.env, [path.dirname(ref[0] as string)]);
      expect(r0.code, r0.out).toBe(0);
      // Baseline: how long a whole load takes (from the child's READY), to spread the kills.
      const first = await runChild(t.env, [v1]);
      expect(first.code, first.out).toBe(0);
      // A replacing load (what every trial does) is the one to time.
      const base = await runChild(t.env, [v2]);
      expect(base.code, base.out).toBe(0);
      const landed: string[] = [];
      let liveRows = [ROWS + 777];
      for (let i = 0; i < TRIALS; i++) {
        // Always load the version that is not live, so that every trial replaces a batch.
        const file = liveRows.includes(ROWS) ? v2 : v1;
        const delay = Math.round(base.ms * ((0.95 * i) / (TRIALS - 1)) * (0.9 + Math.random() * 0.2));
        const r = await runChild(t.env, [file], delay);
        const phases = [...r.out.matchAll(/PHASE (\w+)/g)].map((m) => m[1]);
        landed.push(r.killed ? `killed@${delay}ms in ${phases.at(-1) ?? 'start'}` : `finished(${r.code})`);
        await checkWhole(t.openPg, t.config.duckdbPath, false);
        // Recovery as every ETL start runs it.
        const ctx = await openContext(t.config, 'kill-test recovery');
        try {
          await recover(ctx);
        } finally {
          await ctx.close();
        }
        liveRows = (await checkWhole(t.openPg, t.config.duckdbPath, true)).liveRows;
      }
      console.log(`kill test (${target.name}): baseline ${base.ms} ms; trials: ${landed.join(', ')}`);
      expect(landed.filter((l) => l.startsWith('killed')).length).toBeGreaterThanOrEqual(TRIALS / 2);
      // A rerun completes and reconciles.
      const fin = await runChild(t.env, [liveRows.includes(ROWS) ? v2 : v1]);
      expect(fin.code, fin.out).toBe(0);
      const ctx = await openContext(t.config, 'kill-test final');
      try {
        const st = await etlStatus(ctx.pg);
        expect(st.all_reconciled).toBe(true);
        expect([ROWS, ROWS + 777]).toContain(st.tables.find((x) => x.table === 'payment')?.rows);
        expect(st.tables.find((x) => x.table === 'payment')?.batches).toBe(1);
      } finally {
        await ctx.close();
      }
    } finally {
      await t.drop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
