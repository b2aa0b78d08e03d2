/**
 * `caijian load | status | demo` — the ETL on the command line. Exit codes: 0 ok, 1 rejected rows
 * or a batch that does not reconcile, 2 usage or environment error (main.ts maps UserError).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../core/config.ts';
import { openContext, type AppContext } from '../core/context.ts';
import { loadPaths, recover } from '../../etl/load.ts';
import { etlStatus } from '../../etl/status.ts';
import { stderrProgress } from '../../etl/progress.ts';
import { KINDS } from '../../etl/kinds.ts';
import { DISCLOSURE_KIND } from '../../etl/tables.ts';
import type { FileReport } from '../../etl/report.ts';
import { runWarnings, type RunSummary } from '../warnings/warnings.service.ts';
import { ensureDemoUsers, type DemoAccount } from '../auth/demo-users.ts';

class UserError extends Error {
  override name = 'UserError';
}

async function withContext<T>(command: string, fn: (ctx: AppContext) => Promise<T>): Promise<T> {
  const ctx = await openContext(loadConfig(), command);
  try {
    return await fn(ctx);
  } finally {
    await ctx.close();
  }
}

function printReport(r: FileReport): void {
  const out = process.stdout;
  out.write(`${r.message_zh}\n${r.message_en}\n`);
  for (const j of r.rejects.slice(0, 20)) out.write(`  ✗ ${j.message_zh} / ${j.message_en}\n`);
  if (r.rejects_total > 20)
    out.write(`  … 共 ${r.rejects_total} 处错误 / ${r.rejects_total} problems in all (--json lists the first 1000)\n`);
  for (const f of r.subtotal_findings.slice(0, 20)) out.write(`  ⚠ ${f.message_zh} / ${f.message_en}\n`);
  if (r.subtotal_findings.length > 20) out.write(`  … 共 ${r.subtotal_findings.length} 处小计不符 / subtotal mismatches\n`);
}

function exitCodeOf(reports: readonly FileReport[]): number {
  const bad = reports.some((r) => r.status === 'rejected' || r.rejected_rows > 0 || r.reconciliation.some((l) => !l.reconciled));
  return bad ? 1 : 0;
}

const kindNames = [...KINDS.map((k) => k.kind), DISCLOSURE_KIND];

/** The warning rules run after every load that changed data (issue: "runs after every load"). */
async function warningsAfterLoad(ctx: AppContext, reports: readonly FileReport[]): Promise<RunSummary | undefined> {
  if (!reports.some((r) => r.status === 'loaded')) return undefined;
  return runWarnings(ctx, { trigger: 'load' });
}

function warningsLine(s: RunSummary): string {
  return `预警规则已运行：${s.fired} 条预警（新增 ${s.created}，数据已消除 ${s.resolved}） / warning rules run: ${s.fired} warnings (${s.created} new, ${s.resolved} resolved by the data)\n`;
}

function printAccounts(accounts: readonly DemoAccount[]): void {
  const out = process.stdout;
  out.write('\n演示账号（每次运行 demo 重新生成密码） / demo accounts (passwords are regenerated at every run):\n');
  out.write('  用户名 username      角色 role    地区 region   密码 password\n');
  for (const a of accounts) out.write(`  ${a.username.padEnd(20)} ${a.role.padEnd(10)} ${a.regionCode}        ${a.password}\n`);
}

export function registerDataCommands(program: Command): void {
  program
    .command('load')
    .description('load source files (CSV/XLSX) or directories into Postgres and DuckDB, reference data first')
    .argument('<paths...>', 'files or directories')
    .option('--kind <kind>', `kind of every file instead of detecting it from the header (${kindNames.join(', ')})`)
    .option('--accept-partial', 'load the valid rows of a file with rejected rows (the report lists the rows skipped)')
    .option('--json', 'print the load report as JSON')
    .option('--no-warnings', 'do not run the warning rules after the load')
    .action(async (paths: string[], opts: { kind?: string; acceptPartial?: boolean; json?: boolean; warnings: boolean }) => {
      if (opts.kind && !kindNames.includes(opts.kind)) throw new UserError(`unknown kind "${opts.kind}"; one of: ${kindNames.join(', ')}`);
      for (const p of paths) if (!fs.existsSync(p)) throw new UserError(`no such file or directory: ${p} / 文件或目录不存在：${p}`);
      const { reports, run } = await withContext('caijian load', async (ctx) => {
        const reports = await loadPaths(ctx, paths, {
          kind: opts.kind,
          acceptPartial: opts.acceptPartial === true,
          onProgress: stderrProgress(),
        });
        return { reports, run: opts.warnings ? await warningsAfterLoad(ctx, reports) : undefined };
      });
      if (opts.json) process.stdout.write(`${JSON.stringify(reports, null, 2)}\n`);
      else reports.forEach(printReport);
      // With --json, stdout holds only the report; the rules' summary goes to stderr.
      if (run) (opts.json ? process.stderr : process.stdout).write(warningsLine(run));
      process.exitCode = exitCodeOf(reports);
    });

  program
    .command('status')
    .description('list loaded batches (file, kind, rows, reconciled) and totals per table; exit 1 if any batch does not reconcile')
    .option('--json', 'print the status as JSON')
    .action(async (opts: { json?: boolean }) => {
      const status = await withContext('caijian status', async (ctx) => {
        await recover(ctx);
        return etlStatus(ctx.pg);
      });
      if (opts.json) process.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
      else {
        const out = process.stdout;
        out.write(`批次 batch  类型 kind              行数 rows   对账 reconciled  载入时间 loaded at          文件 file\n`);
        for (const b of status.batches) {
          out.write(
            `${String(b.batch_id).padStart(10)}  ${b.kind.padEnd(20)} ${String(b.rows).padStart(10)}   ${(b.reconciled ? '是 yes' : '否 NO').padEnd(10)}  ${b.loaded_at.slice(0, 19).replace('T', ' ')}  ${b.file}\n`,
          );
        }
        out.write('\n表 table                  批次 batches      行数 rows\n');
        for (const t of status.tables)
          out.write(`${t.table.padEnd(24)} ${String(t.batches).padStart(12)} ${String(t.rows).padStart(14)}\n`);
        out.write(
          status.all_reconciled ? '\n全部对账一致 / all batches reconcile\n' : '\n有批次对账不一致 / some batches do not reconcile\n',
        );
      }
      process.exitCode = status.all_reconciled ? 0 : 1;
    });

  program
    .command('demo')
    .description(
      'generate the demo city (deterministic), load it, run the warning rules and print one account per role; generation and load are skipped when the same seed and size are loaded',
    )
    .option('--payments <n>', 'number of payment rows', '10000')
    .option('--seed <s>', 'random seed', '1')
    .option('--out <dir>', 'where to write the source files (default: <dataDir>/demo-source)')
    .action(async (opts: { payments: string; seed: string; out?: string }) => {
      const payments = Number(opts.payments);
      const seed = Number(opts.seed);
      if (!Number.isInteger(payments) || payments < 0) throw new UserError(`--payments must be a whole number (got "${opts.payments}")`);
      if (!Number.isInteger(seed)) throw new UserError(`--seed must be an integer (got "${opts.seed}")`);
      const config = loadConfig();
      const outDir = path.resolve(opts.out ?? path.join(config.dataDir, 'demo-source'));
      const marker = path.join(config.dataDir, 'demo.json');
      const want = { seed, payments, outDir };
      const { reports, run, accounts } = await withContext('caijian demo', async (ctx) => {
        const prev = fs.existsSync(marker) ? (JSON.parse(fs.readFileSync(marker, 'utf8')) as typeof want) : undefined;
        await recover(ctx);
        const status = await etlStatus(ctx.pg);
        if (prev && prev.seed === seed && prev.payments === payments && status.batches.length > 0 && status.all_reconciled) {
          process.stdout.write(
            `演示城市已载入（seed ${seed}，${payments} 条支付），跳过 / demo city already loaded (seed ${seed}, ${payments} payments); skipped\n`,
          );
          return { reports: [], run: undefined, accounts: await ensureDemoUsers(ctx) };
        }
        let generate: ((o: { outDir: string; seed?: number; payments?: number }) => Promise<unknown>) | undefined;
        try {
          const mod = (await import('../../fixtures/generate.ts' as string)) as { generateDemo?: typeof generate };
          generate = mod.generateDemo;
        } catch (err) {
          throw new UserError(`the demo generator (fixtures/generate.ts) is not available: ${(err as Error).message}`);
        }
        if (!generate) throw new UserError('fixtures/generate.ts does not export generateDemo');
        fs.rmSync(outDir, { recursive: true, force: true });
        await generate({ outDir, seed, payments });
        const r = await loadPaths(ctx, [outDir], { onProgress: stderrProgress() });
        if (r.every((x) => x.status !== 'rejected')) fs.writeFileSync(marker, JSON.stringify(want));
        return { reports: r, run: await warningsAfterLoad(ctx, r), accounts: await ensureDemoUsers(ctx) };
      });
      if (reports.length) {
        const loaded = reports.filter((r) => r.status === 'loaded').length;
        const rows = reports.reduce((n, r) => n + r.rows, 0);
        process.stdout.write(
          `演示城市：${reports.length} 个文件，载入 ${loaded} 个，共 ${rows} 行 / demo city: ${reports.length} files, ${loaded} loaded, ${rows} rows\n`,
        );
        for (const r of reports.filter((x) => x.status === 'rejected' || x.subtotal_findings.length)) printReport(r);
      }
      if (run) process.stdout.write(warningsLine(run));
      printAccounts(accounts);
      process.exitCode = exitCodeOf(reports);
    });
}
