/**
 * Every action the security audit trail records, by area: `recordAudit` takes only these, and the
 * admin page's action filter offers them with a label in each language
 * (web/src/lib/features/admin/audit-log.ts). Plain data, so the web bundles it as is.
 */
export const AUDIT_ACTIONS = [
  'auth.login',
  'auth.logout',
  'auth.session_end',
  'auth.password_change',
  'auth.totp_enrol',
  'access.denied',
  'data.export',
  'data.load',
  'warning.run',
  'warning.status',
  'warning.assignee',
  'warning.comment',
  'rule.params',
  'user.create',
  'user.disable',
  'user.enable',
  'user.unlock',
  'user.reset_password',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];
