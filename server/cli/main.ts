/**
 * `caijian` — the command line. Each domain registers its commands; this file only wires them
 * and turns errors into a readable message and a non-zero exit code.
 */
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../core/config.ts';
import { DataDirLockedError } from '../core/context.ts';
import { registerServe } from './serve.command.ts';
import { registerDataCommands } from './data.commands.ts';
import { registerWarningsCommands } from './warnings.commands.ts';
import { registerAuthCommands } from './auth.commands.ts';

const program = new Command('caijian')
  .description("人大财经联网监督平台 — finance networked-oversight platform for People's Congresses")
  .showHelpAfterError()
  .exitOverride();

registerServe(program);
registerDataCommands(program);
registerWarningsCommands(program);
registerAuthCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    process.exitCode = err.exitCode;
  } else if (err instanceof ConfigError || err instanceof DataDirLockedError || (err instanceof Error && err.name === 'UserError')) {
    process.stderr.write(`caijian: ${err.message}\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`caijian: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  }
}
