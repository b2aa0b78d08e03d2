import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../app.ts';
import { loadConfig } from '../core/config.ts';
import type { AppContext } from '../core/context.ts';
import { openDuck } from '../core/duck.ts';
import { openTestDuck, pgTargets } from '../../test/db.ts';
import { signIn } from '../auth/testing.ts';

describe.each(pgTargets())('GET /api/system/status ($name)', (target) => {
  let app: FastifyInstance;
  let ctx: AppContext;
  beforeAll(async () => {
    const pg = await target.open();
    const duck = await openTestDuck();
    ctx = { config: loadConfig({}), pg, duck, close: async () => (await duck.close(), await pg.close()) };
    app = await buildApp(ctx, { web: false });
  });
  afterAll(async () => {
    await app?.close();
    await ctx?.close();
  });

  it('lists live batches with their reconciliation', async () => {
    await ctx.pg.withConnection(async (tx) => {
      await tx.query(
        `INSERT INTO load_batch (id, kind, source_key, source_name, source_hash, source_bytes, status, row_count) VALUES
         (1, 'payments', 'k1', 'payments-2026.csv', 'h1', 10, 'published', 2), (2, 'payments', 'k2', 'old.csv', 'h2', 10, 'replaced', 1)`,
      );
      await tx.query(
        `INSERT INTO batch_reconciliation VALUES (1, 'payment', '*', 2, NULL, 2, NULL, 2, NULL), (1, 'payment', 'amount', 2, 10.50, 2, 10.50, 2, 10.50)`,
      );
    });
    expect((await app.inject({ method: 'GET', url: '/api/system/status' })).statusCode).toBe(401);
    const { headers } = await signIn(app, { role: 'admin', regionCode: '990100' });
    const res = await app.inject({ method: 'GET', url: '/api/system/status', headers });
    expect(res.statusCode).toBe(200);
    const { batches, tables } = res.json();
    expect(tables).toEqual([{ table: 'payment', batches: 1, rows: 2 }]);
    expect(batches).toHaveLength(1);
    expect(batches[0]).toMatchObject({ batch_id: 1, file: 'payments-2026.csv', status: 'published', rows: 2 });
    expect(batches[0].reconciliation).toContainEqual(expect.objectContaining({ column: 'amount', source_sum: '10.50', duck_sum: '10.50' }));
  });
});

describe('GET /api/health', () => {
  it('names the kinds of database, not the data directory or the Postgres host (it is anonymous)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caijian-health-'));
    const [target] = pgTargets();
    const pg = await target!.open();
    const duck = await openDuck(path.join(dir, 'caijian.duckdb'));
    const app = await buildApp({ config: loadConfig({}), pg, duck, close: async () => {} }, { web: false });
    try {
      const res = await app.inject({ method: 'GET', url: '/api/health' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ ok: true, postgres: 'pglite', duckdb: 'file' });
      expect(res.body).not.toContain(dir);
    } finally {
      await app.close();
      await duck.close();
      await pg.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('DuckDB memory limit', () => {
  it('opens the analytics file with the configured limit, 1GB by default, and refuses a malformed one', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caijian-duckmem-'));
    try {
      expect(loadConfig({}).duckdbMemoryLimit).toBe('1GB');
      const config = loadConfig({ CAIJIAN_DUCKDB_MEMORY_LIMIT: '768MB' }, { dataDir: dir });
      const duck = await openDuck(config.duckdbPath, { memoryLimit: config.duckdbMemoryLimit });
      try {
        const [row] = await duck.all<{ v: string }>(`SELECT current_setting('memory_limit') AS v`);
        // DuckDB reports the limit in binary units: 768 MB = 732.4 MiB.
        expect(row!.v).toBe('732.4 MiB');
      } finally {
        await duck.close();
      }
      expect(() => loadConfig({ CAIJIAN_DUCKDB_MEMORY_LIMIT: 'lots' })).toThrow(/CAIJIAN_DUCKDB_MEMORY_LIMIT must be a size/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
