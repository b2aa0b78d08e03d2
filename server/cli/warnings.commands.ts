import type { Command } from 'commander';
import { loadConfig } from '../core/config.ts';
import { openContext } from '../core/context.ts';
import { runWarnings } from '../warnings/warnings.service.ts';
import { RULES } from '../warnings/rules.ts';

/** `caijian warnings run [--json] [--region R] [--as-of D] [--rule R1,R2]` and `caijian warnings rules`. */
export function registerWarningsCommands(program: Command): void {
  const warnings = program.command('warnings').description('warning rules (预警监测库): run them, list them');
  warnings
    .command('run')
    .description('run the warning rules over the loaded data and update the warnings (idempotent)')
    .option('--json', 'print the run summary as JSON')
    .option('--region <code>', 'only this region (6-digit code)')
    .option('--as-of <date>', 'as-of date of the in-year rules (default: latest payment loaded)')
    .option('--rule <ids>', 'only these rules, comma-separated (e.g. R1,R10)')
    .action(async (opts: { json?: boolean; region?: string; asOf?: string; rule?: string }) => {
      const ctx = await openContext(loadConfig(), 'caijian warnings run');
      try {
        const s = await runWarnings(ctx, {
          trigger: 'cli',
          ...(opts.region ? { region: opts.region } : {}),
          ...(opts.asOf ? { asOf: opts.asOf } : {}),
          ...(opts.rule ? { rules: opts.rule.split(',').map((r) => r.trim().toUpperCase()) } : {}),
        });
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(s, null, 2)}\n`);
          return;
        }
        process.stdout.write(
          `run ${s.runId}: ${s.fired} warnings fired — ${s.created} new, ${s.updated} updated, ${s.unchanged} unchanged, ${s.reopened} reopened, ${s.resolved} resolved by data (${s.ms} ms; rules ${s.queryMs} ms)\n`,
        );
        for (const r of s.rules) process.stdout.write(`  ${r.id.padEnd(4)} ${String(r.fired).padStart(6)}  ${r.ms} ms\n`);
      } finally {
        await ctx.close();
      }
    });
  warnings
    .command('rules')
    .description('list the rules with their default parameters')
    .action(() => {
      for (const r of RULES) {
        process.stdout.write(`${r.id.padEnd(4)} ${r.area.padEnd(10)} ${r.nameZh} / ${r.nameEn}\n`);
        for (const p of r.params) process.stdout.write(`       ${p.name} = ${p.default ?? '(latest data)'}  ${p.zh}\n`);
      }
    });
}
