/**
 * The README's promise, end to end through the real command line on the embedded databases
 * (PGlite + a DuckDB file), as `npm start` runs it: `caijian demo` generates and loads the demo
 * city, runs the warning rules and prints one account per role; `caijian status --json` shows
 * every batch reconciled; `caijian serve` answers and a printed account signs in.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RULES } from '../server/warnings/rules.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const BIN = path.join(ROOT, 'bin/caijian.mjs');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'caijian-cli-'));
const env: NodeJS.ProcessEnv = { ...process.env, CAIJIAN_DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
delete env.DATABASE_URL; // the embedded default, as on a fresh machine

function caijian(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, env, encoding: 'utf8', timeout: 600_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function accounts(stdout: string): Map<string, { role: string; region: string; password: string }> {
  const out = new Map<string, { role: string; region: string; password: string }>();
  for (const m of stdout.matchAll(/^ {2}(\S+)\s+(admin|analyst|auditor|deputy|observer)\s+(\d{6})\s+(\S+)$/gm))
    out.set(m[1] as string, { role: m[2] as string, region: m[3] as string, password: m[4] as string });
  return out;
}

/** Source files (CSV, XLSX) under a directory; the planted-anomaly manifest beside them is not one. */
function countFiles(dir: string): number {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .reduce((n, e) => n + (e.isDirectory() ? countFiles(path.join(dir, e.name)) : /\.(csv|xlsx)$/i.test(e.name) ? 1 : 0), 0);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

describe('caijian on the command line (embedded databases)', () => {
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  let printed = new Map<string, { role: string; region: string; password: string }>();

  it('demo: generates, loads, runs the rules and prints one account per role', () => {
    const r = caijian('demo');
    expect(r.stderr).not.toMatch(/Error|at .*\.ts:\d+/);
    expect(r.code).toBe(0);
    const files = countFiles(path.join(dataDir, 'demo-source'));
    expect(r.stdout).toContain(`demo city: ${files} files, ${files} loaded`);
    expect(r.stdout).toMatch(/warning rules run: [1-9]\d* warnings/);
    printed = accounts(r.stdout);
    expect(new Set([...printed.values()].map((a) => a.role))).toEqual(new Set(['admin', 'analyst', 'auditor', 'deputy', 'observer']));
  }, 600_000);

  it('demo again: skips the load, keeps the data and prints fresh passwords', () => {
    const r = caijian('demo');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('demo city already loaded');
    const again = accounts(r.stdout);
    expect([...again.keys()].sort()).toEqual([...printed.keys()].sort());
    expect(again.get('admin')?.password).not.toBe(printed.get('admin')?.password);
    printed = again;
  }, 300_000);

  it('status --json: every batch of the demo reconciled, one per source file', () => {
    const r = caijian('status', '--json');
    expect(r.code).toBe(0);
    const status = JSON.parse(r.stdout) as { all_reconciled: boolean; batches: { reconciled: boolean }[] };
    expect(status.batches).toHaveLength(countFiles(path.join(dataDir, 'demo-source')));
    expect(status.batches.filter((b) => !b.reconciled)).toEqual([]);
    expect(status.all_reconciled).toBe(true);
  }, 300_000);

  it('warnings run --json: warnings from every area, and a rerun adds none', () => {
    const r = caijian('warnings', 'run', '--json');
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout) as { fired: number; created: number; rules: { id: string; fired: number }[] };
    expect(s.created).toBe(0); // the demo already ran them after its load
    const areas = new Map<string, number>();
    for (const x of s.rules) {
      const area = RULES.find((d) => d.id === x.id)?.area as string;
      areas.set(area, (areas.get(area) ?? 0) + x.fired);
    }
    expect([...areas].filter(([, n]) => n === 0)).toEqual([]);
    expect(new Set(areas.keys())).toEqual(new Set(RULES.map((d) => d.area)));
  }, 300_000);

  it('serve: answers on its port and a printed account signs in', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [BIN, 'serve', '--port', String(port), '--host', '127.0.0.1'], { cwd: ROOT, env });
    try {
      await new Promise<void>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes(`http://127.0.0.1:${port}`)) resolve();
        });
        child.on('exit', (code) => reject(new Error(`serve exited with ${code}`)));
      });
      const base = `http://127.0.0.1:${port}`;
      const admin = printed.get('admin');
      const login = await fetch(`${base}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password: admin?.password }),
      });
      expect(login.status).toBe(200);
      expect(login.headers.get('set-cookie')).toMatch(/HttpOnly/i);
      const wrong = await fetch(`${base}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password: 'not-the-password-1A!' }),
      });
      expect(wrong.status).toBe(401);
      const body = await wrong.text();
      expect(body).not.toMatch(/at .*\.ts|SELECT /);
    } finally {
      child.kill('SIGTERM');
    }
  }, 120_000);
});
