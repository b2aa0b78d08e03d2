/**
 * One account per role for the demo city 临江市 (990100) and one of its districts (990102), so
 * that `npm start` can print working credentials. Passwords are generated at every run: an
 * existing demo account gets a fresh one (recorded in the audit trail as a reset by "demo").
 */
import type { AppContext } from '../core/context.ts';
import type { Role } from './auth.types.ts';
import type { AuditActor } from './audit-trail.repository.ts';
import { authService } from './auth.service.ts';

export const DEMO_CITY = '990100';
export const DEMO_DISTRICT = '990102';

export interface DemoAccount {
  username: string;
  role: Role;
  regionCode: string;
  password: string;
}

const DEMO_ACCOUNTS: Omit<DemoAccount, 'password'>[] = [
  { username: 'admin', role: 'admin', regionCode: DEMO_CITY },
  { username: 'analyst', role: 'analyst', regionCode: DEMO_CITY },
  { username: 'auditor', role: 'auditor', regionCode: DEMO_CITY },
  { username: 'observer', role: 'observer', regionCode: DEMO_CITY },
  { username: 'deputy', role: 'deputy', regionCode: DEMO_DISTRICT },
  { username: 'analyst-district', role: 'analyst', regionCode: DEMO_DISTRICT },
];

const DEMO_ACTOR: AuditActor = { id: null, username: 'demo', role: null, regionCode: null };

// The accounts most recently issued in this process, so that an in-process browser test can sign
// in through the login form (test/e2e-login.ts). They are the credentials `caijian demo` prints.
const issued = new Map<string, DemoAccount>();

/** The demo account of `username` issued by the last `ensureDemoUsers` in this process. */
export function issuedDemoAccount(username: string): DemoAccount | undefined {
  return issued.get(username);
}

export async function ensureDemoUsers(ctx: AppContext): Promise<DemoAccount[]> {
  const service = authService(ctx);
  const out: DemoAccount[] = [];
  for (const a of DEMO_ACCOUNTS) {
    const id = await service.findUserIdByUsername(a.username);
    if (id === undefined) {
      const created = await service.createUser(DEMO_ACTOR, { ...a, mustChangePassword: false });
      out.push({ ...a, password: created.password! });
    } else {
      const { password } = await service.resetPassword(DEMO_ACTOR, id, {}, { mustChangePassword: false });
      await service.setDisabled(DEMO_ACTOR, id, false);
      await service.unlock(DEMO_ACTOR, id);
      out.push({ ...a, password });
    }
  }
  for (const a of out) issued.set(a.username, a);
  return out;
}
