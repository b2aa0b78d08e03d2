/**
 * `caijian user add | disable | enable | unlock | reset-password | list` and `caijian audit verify`.
 * Commands act as "cli:<OS user>" in the audit trail: whoever can run them already holds the
 * data directory or the database URL.
 */
import type { Command } from 'commander';
import { loadConfig } from '../core/config.ts';
import { openContext, type AppContext } from '../core/context.ts';
import { HttpError } from '../core/errors.ts';
import { ROLES } from '../auth/auth.types.ts';
import { authService } from '../auth/auth.service.ts';
import { processActing, verifyAuditTrail, type AuditActor } from '../auth/audit-trail.repository.ts';

class UserError extends Error {
  override name = 'UserError';
}

const cliActor = (): AuditActor => processActing().actor;

async function withContext<T>(command: string, fn: (ctx: AppContext) => Promise<T>): Promise<T> {
  const ctx = await openContext(loadConfig(), command);
  try {
    return await fn(ctx);
  } catch (err) {
    // Service refusals (policy, duplicate, not found) are the user's to fix: no stack trace.
    if (err instanceof HttpError) throw new UserError(err.message);
    throw err;
  } finally {
    await ctx.close();
  }
}

async function userId(ctx: AppContext, username: string): Promise<string> {
  const id = await authService(ctx).findUserIdByUsername(username);
  if (!id) throw new UserError(`no user "${username}" / 用户不存在`);
  return id;
}

export function registerAuthCommands(program: Command): void {
  const user = program.command('user').description('manage accounts (用户管理)');

  user
    .command('add')
    .description('create an account; without --password a password is generated and printed once')
    .requiredOption('--username <name>', '3–64 characters: a-z 0-9 . _ -')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
    .requiredOption('--region <code>', '6-digit region code the user belongs to (a city user also sees its districts)')
    .option('--display-name <name>', 'name shown in the dashboard')
    .option('--password <password>', 'initial password (visible in the process list and shell history: prefer the generated one)')
    .action(async (o: { username: string; role: string; region: string; displayName?: string; password?: string }) => {
      await withContext('caijian user add', async (ctx) => {
        const r = await authService(ctx).createUser(cliActor(), {
          username: o.username,
          role: o.role,
          regionCode: o.region,
          displayName: o.displayName,
          password: o.password,
          // Typed or generated, the operator knows it: the user changes it at first sign-in.
          mustChangePassword: true,
        });
        process.stdout.write(`created ${r.user.username} (${r.user.role}, region ${r.user.regionCode})\n`);
        if (r.password) {
          process.stdout.write(`password (shown once; the user must change it at first login): ${r.password}\n`);
        }
      });
    });

  user
    .command('disable')
    .description('disable an account and end all its sessions')
    .requiredOption('--username <name>', 'account to disable')
    .action(async (o: { username: string }) => {
      await withContext('caijian user disable', async (ctx) => {
        await authService(ctx).setDisabled(cliActor(), await userId(ctx, o.username), true);
        process.stdout.write(`disabled ${o.username}\n`);
      });
    });

  user
    .command('enable')
    .description('enable a disabled account')
    .requiredOption('--username <name>', 'account to enable')
    .action(async (o: { username: string }) => {
      await withContext('caijian user enable', async (ctx) => {
        await authService(ctx).setDisabled(cliActor(), await userId(ctx, o.username), false);
        process.stdout.write(`enabled ${o.username}\n`);
      });
    });

  user
    .command('unlock')
    .description('clear a lockout after failed logins')
    .requiredOption('--username <name>', 'account to unlock')
    .action(async (o: { username: string }) => {
      await withContext('caijian user unlock', async (ctx) => {
        await authService(ctx).unlock(cliActor(), await userId(ctx, o.username));
        process.stdout.write(`unlocked ${o.username}\n`);
      });
    });

  user
    .command('reset-password')
    .description('set a generated password (printed once) that must be changed at next login; ends all sessions')
    .requiredOption('--username <name>', 'account to reset')
    .action(async (o: { username: string }) => {
      await withContext('caijian user reset-password', async (ctx) => {
        const { password } = await authService(ctx).resetPassword(cliActor(), await userId(ctx, o.username));
        process.stdout.write(`new password for ${o.username} (shown once; must be changed at next login): ${password}\n`);
      });
    });

  user
    .command('list')
    .description('list accounts')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      await withContext('caijian user list', async (ctx) => {
        const list = await authService(ctx).listUsers();
        if (o.json) {
          process.stdout.write(JSON.stringify(list, null, 2) + '\n');
          return;
        }
        for (const u of list) {
          const flags = [
            u.disabled && 'disabled',
            u.locked && 'locked',
            u.totpEnabled && 'totp',
            u.mustChangePassword && 'must-change-password',
          ]
            .filter(Boolean)
            .join(',');
          process.stdout.write(`${u.username.padEnd(24)} ${u.role.padEnd(9)} ${u.regionCode}  ${u.lastLoginAt ?? 'never'}  ${flags}\n`);
        }
      });
    });

  const audit = program.command('audit').description('security audit trail (安全审计)');
  audit
    .command('verify')
    .description('recompute the hash chain of the audit trail; exit code 1 and the first broken row if it was altered')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      await withContext('caijian audit verify', async (ctx) => {
        const r = await verifyAuditTrail(ctx.pg);
        if (o.json) process.stdout.write(JSON.stringify(r) + '\n');
        else if (r.ok) process.stdout.write(`audit trail intact: ${r.rows} rows, head ${r.head}\n`);
        else
          process.stdout.write(
            `audit trail BROKEN at seq ${r.firstBroken!.seq} (${r.firstBroken!.reason}); ${r.rows - 1} rows before it check out / 审计日志在第 ${r.firstBroken!.seq} 条被篡改\n`,
          );
        if (!r.ok) process.exitCode = 1;
      });
    });
}
