import type { Command } from 'commander';
import { loadConfig } from '../core/config.ts';
import { openContext } from '../core/context.ts';
import { buildApp } from '../app.ts';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('serve the API and the dashboard (default http://localhost:3000)')
    .option('-p, --port <port>', 'port to listen on (env PORT)')
    .option('--host <host>', 'interface to listen on (env HOST)')
    .action(async (opts: { port?: string; host?: string }) => {
      const config = loadConfig(process.env, {
        ...(opts.port !== undefined ? { port: Number(opts.port) } : {}),
        ...(opts.host !== undefined ? { host: opts.host } : {}),
      });
      const ctx = await openContext(config, 'caijian serve');
      const app = await buildApp(ctx, { logger: true });
      const shutdown = async () => {
        await app.close();
        await ctx.close();
        process.exit(0);
      };
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
      await app.listen({ port: config.port, host: config.host });
      const shown = config.host === '0.0.0.0' ? 'localhost' : config.host;
      process.stdout.write(
        `\ncaijian is serving on http://${shown}:${config.port}  (Postgres: ${ctx.pg.describe()}, DuckDB: ${ctx.duck.path})\n`,
      );
    });
}
