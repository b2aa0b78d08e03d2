/**
 * The one place that reads the environment. Everything else receives a `Config`.
 */
import path from 'node:path';

export interface Config {
  /** Directory for the embedded databases, staging files and the demo city's source files. */
  dataDir: string;
  /** Postgres server URL; when absent the embedded PGlite under `dataDir/pg` is used. */
  databaseUrl: string | undefined;
  /** The DuckDB analytics file. */
  duckdbPath: string;
  /**
   * DuckDB's memory limit ("1GB"): above it sorts and aggregates spill to a temporary directory
   * beside the file, so a 1e7-row load stays bounded (its publish sorts the batch).
   */
  duckdbMemoryLimit: string;
  host: string;
  port: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  auth: AuthConfig;
}

/** Accounts, sessions and login protection (server/auth). */
export interface AuthConfig {
  /**
   * Fastify `trustProxy`: false (default) = the socket is the client; true = trust every
   * X-Forwarded-*; a number of hops (env "2") becomes a function trusting that many hops; a
   * string = comma-separated proxy addresses/CIDRs. Only turn it on behind a proxy that
   * overwrites X-Forwarded-Proto/For, or clients can fake HTTPS and their address.
   */
  trustProxy: boolean | string | ((address: string, hop: number) => boolean);
  /** Idle timeout of a session (OWASP ASVS 3.3.2 L2: 30 minutes). */
  sessionIdleMinutes: number;
  /** Absolute lifetime of a session whatever the activity (ASVS 3.3.4: 12 hours). */
  sessionAbsoluteHours: number;
  /** Consecutive failed logins that lock an account. */
  lockoutThreshold: number;
  /** How long a locked account stays locked (an admin can unlock earlier). */
  lockoutMinutes: number;
  /** Days after which a password must be changed; 0 = never (NIST SP 800-63B advises against forced rotation). */
  passwordMaxAgeDays: number;
  /** Login attempts allowed per client address per minute (on top of the per-account lockout). */
  loginRateLimitPerMinute: number;
  /**
   * Scales the per-address limits of the expensive routes (server/auth/hardening.ts), in percent:
   * raise it where a whole office reaches the server through one address (NAT, a proxy not trusted).
   */
  expensiveRateLimitPercent: number;
  /**
   * Key (32 bytes, base64 or hex) that seals TOTP secrets at rest. When absent a random key is
   * created once in `dataDir/auth-secret.key` (mode 0600), outside the database on purpose.
   */
  secretKey: Buffer | undefined;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const dataDir = path.resolve(overrides.dataDir ?? env.CAIJIAN_DATA_DIR ?? 'data');
  const port = overrides.port ?? parsePort(env.PORT ?? '3000');
  const logLevel = overrides.logLevel ?? parseLogLevel(env.LOG_LEVEL ?? 'info');
  const databaseUrl = overrides.databaseUrl ?? (env.DATABASE_URL?.trim() || undefined);
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError(`DATABASE_URL must start with postgres:// (got "${databaseUrl}")`);
  }
  return {
    dataDir,
    databaseUrl,
    duckdbPath: overrides.duckdbPath ?? path.join(dataDir, 'caijian.duckdb'),
    duckdbMemoryLimit: overrides.duckdbMemoryLimit ?? parseMemory('CAIJIAN_DUCKDB_MEMORY_LIMIT', env.CAIJIAN_DUCKDB_MEMORY_LIMIT ?? '1GB'),
    host: overrides.host ?? env.HOST ?? '0.0.0.0',
    port,
    logLevel,
    auth: overrides.auth ?? loadAuthConfig(env),
  };
}

function loadAuthConfig(env: NodeJS.ProcessEnv): AuthConfig {
  return {
    trustProxy: parseTrustProxy(env.CAIJIAN_TRUST_PROXY ?? 'false'),
    sessionIdleMinutes: parseIntIn('CAIJIAN_SESSION_IDLE_MINUTES', env.CAIJIAN_SESSION_IDLE_MINUTES ?? '30', 1, 24 * 60),
    sessionAbsoluteHours: parseIntIn('CAIJIAN_SESSION_ABSOLUTE_HOURS', env.CAIJIAN_SESSION_ABSOLUTE_HOURS ?? '12', 1, 7 * 24),
    lockoutThreshold: parseIntIn('CAIJIAN_LOCKOUT_THRESHOLD', env.CAIJIAN_LOCKOUT_THRESHOLD ?? '5', 1, 100),
    lockoutMinutes: parseIntIn('CAIJIAN_LOCKOUT_MINUTES', env.CAIJIAN_LOCKOUT_MINUTES ?? '15', 1, 7 * 24 * 60),
    passwordMaxAgeDays: parseIntIn('CAIJIAN_PASSWORD_MAX_AGE_DAYS', env.CAIJIAN_PASSWORD_MAX_AGE_DAYS ?? '0', 0, 3650),
    loginRateLimitPerMinute: parseIntIn('CAIJIAN_LOGIN_RATE_LIMIT', env.CAIJIAN_LOGIN_RATE_LIMIT ?? '20', 1, 10_000),
    expensiveRateLimitPercent: parseIntIn('CAIJIAN_RATE_LIMIT_PERCENT', env.CAIJIAN_RATE_LIMIT_PERCENT ?? '100', 10, 10_000),
    secretKey: parseSecretKey(env.CAIJIAN_SECRET_KEY),
  };
}

function parseMemory(name: string, v: string): string {
  const t = v.trim();
  if (!/^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i.test(t))
    throw new ConfigError(`${name} must be a size such as 512MB or 2GB (got "${v}")`);
  return t;
}

function parseIntIn(name: string, v: string, min: number, max: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(`${name} must be an integer ${min}–${max} (got "${v}")`);
  return n;
}

function parseTrustProxy(v: string): AuthConfig['trustProxy'] {
  const t = v.trim();
  if (t === '' || t === 'false' || t === '0') return false;
  if (t === 'true') return true;
  if (/^[0-9]+$/.test(t)) {
    const hops = Number(t);
    return (_address: string, hop: number) => hop < hops;
  }
  return t;
}

function parseSecretKey(v: string | undefined): Buffer | undefined {
  const t = v?.trim();
  if (!t) return undefined;
  const key = /^[0-9a-fA-F]{64}$/.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
  if (key.length !== 32) throw new ConfigError('CAIJIAN_SECRET_KEY must be 32 bytes, as 64 hex digits or base64');
  return key;
}

function parsePort(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new ConfigError(`PORT must be an integer 0–65535 (got "${v}")`);
  return n;
}

function parseLogLevel(v: string): Config['logLevel'] {
  if ((LOG_LEVELS as readonly string[]).includes(v)) return v as Config['logLevel'];
  throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${v}")`);
}
