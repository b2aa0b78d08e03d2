/** A one-line progress bar on stderr when it is a terminal; silent otherwise (logs, pipes, tests). */
import type { ProgressFn } from './load.ts';

export function stderrProgress(stream: NodeJS.WriteStream = process.stderr): ProgressFn | undefined {
  if (!stream.isTTY) return undefined;
  let last = 0;
  let lastLine = '';
  return ({ file, phase, done, total }) => {
    const now = Date.now();
    if (now - last < 100 && done < total) return;
    last = now;
    const frac = total > 0 ? Math.min(1, done / total) : 0;
    const width = 24;
    const bar = '█'.repeat(Math.round(frac * width)).padEnd(width, '░');
    const line = `${file.slice(0, 40)} ${phase.padEnd(8)} ${bar} ${(frac * 100).toFixed(0).padStart(3)}%`;
    if (line === lastLine) return;
    lastLine = line;
    stream.write(`\r${line}\x1b[K`);
    if (phase === 'duckdb' && done >= total) stream.write('\r\x1b[K');
  };
}
