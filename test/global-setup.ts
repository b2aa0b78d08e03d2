/**
 * Runs once before any test file (vitest globalSetup): builds the dashboard when web/build is
 * missing or older than its sources, so the browser tests and the CSP test read one finished
 * build — never a stale one, and never two test files building into web/build at once.
 */
import { execSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const WEB = path.resolve(import.meta.dirname, '../web');

function newest(p: string): number {
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(0, ...fs.readdirSync(p).map((f) => newest(path.join(p, f))));
}

export default function setup(): void {
  const built = path.join(WEB, 'build/index.html');
  const sources = ['src', 'static', 'svelte.config.js', 'vite.config.ts'].map((f) => path.join(WEB, f)).filter((f) => fs.existsSync(f));
  if (fs.existsSync(built) && fs.statSync(built).mtimeMs >= Math.max(...sources.map(newest))) return;
  execSync('npm run build', { cwd: path.resolve(WEB, '..'), stdio: 'inherit' });
}
