/**
 * Child process of the kill test: loads the given paths through the same path as `caijian load`
 * (openContext → loadPaths), prints the reports as JSON, exits 0/1.
 */
import { loadConfig } from '../../server/core/config.ts';
import { openContext } from '../../server/core/context.ts';
import { loadPaths } from '../load.ts';

const ctx = await openContext(loadConfig(), 'etl kill-test child');
// The kill test times its SIGKILL from here, so that kills land in the load, not in start-up.
process.stderr.write('READY\n');
try {
  let phase = '';
  const reports = await loadPaths(ctx, process.argv.slice(2), {
    // Phase changes on stderr: the kill test reports where each kill landed.
    onProgress: (p) => {
      if (p.phase !== phase) process.stderr.write(`PHASE ${(phase = p.phase)}\n`);
    },
  });
  process.stdout.write(JSON.stringify(reports.map((r) => ({ file: r.file, status: r.status, batch: r.batch_id, rows: r.rows }))));
  process.exitCode = reports.every((r) => r.status !== 'rejected') ? 0 : 1;
} finally {
  await ctx.close();
}
