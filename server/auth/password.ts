/**
 * Password hashing and the password policy.
 *
 * Hash: argon2id with the OWASP Password Storage Cheat Sheet minimum (m = 19 MiB, t = 2, p = 1);
 * the parameters travel in the PHC string, so raising them later re-hashes at the next login.
 *
 * Policy (ASVS 2.1, GB/T 22239-2019 8.1.4.1 a "complexity"): at least 12 characters (counted as
 * Unicode code points, at most 128), at least 3 of the 4 classes lower-case letter, upper-case
 * letter, digit, other (punctuation, symbols, spaces, Chinese characters), not containing the
 * username, not in a list of common passwords.
 */
import crypto from 'node:crypto';
import { hash, verify, type Algorithm } from '@node-rs/argon2';

export const ARGON2_OPTIONS = {
  algorithm: 2 as Algorithm, // Argon2id (a const enum, which isolatedModules cannot import)
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 128;

export function hashPassword(password: string): Promise<string> {
  return hash(password.normalize('NFC'), ARGON2_OPTIONS);
}

export async function verifyPassword(storedHash: string, password: string): Promise<boolean> {
  try {
    return await verify(storedHash, password.normalize('NFC'));
  } catch {
    // A malformed stored hash is a failed check, not a 500 that tells the caller something.
    return false;
  }
}

/** True when the stored hash was made with weaker parameters than today's. */
export function needsRehash(storedHash: string): boolean {
  const m = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/.exec(storedHash);
  if (!m) return true;
  return Number(m[1]) < ARGON2_OPTIONS.memoryCost || Number(m[2]) < ARGON2_OPTIONS.timeCost;
}

/**
 * A hash of a random password, verified against when the username names no account so that a
 * login for an unknown user takes as long as one for a known user (no account enumeration).
 */
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(crypto.randomBytes(24).toString('base64url'));
  return dummyHash;
}

// Passwords that pass the length and class rules yet appear in breach corpora and cracking
// dictionaries (compared case-insensitively). Short on purpose: the rules above do the work.
const COMMON_PASSWORDS = new Set(
  [
    'password1234',
    'password@123',
    'password@1234',
    'password123!',
    'p@ssw0rd1234',
    'p@ssword1234',
    'passw0rd1234',
    'qwerty123456',
    'qwerty@123456',
    'qwertyuiop12',
    'qwertyuiop123',
    '1qaz2wsx3edc',
    '1qaz@wsx3edc',
    '1qaz!qaz1qaz',
    'zaq12wsxcde3',
    'abc123456789',
    'abcd@1234567',
    'aa1234567890',
    'aa123456789!',
    'admin@123456',
    'admin1234567',
    'administrator1',
    'welcome@2024',
    'welcome@2025',
    'welcome@2026',
    'welcome12345',
    'changeme1234',
    'letmein12345',
    'iloveyou1234',
    'asdfghjkl123',
    'zxcvbnm12345',
    'caijian@2026',
    'caijian12345',
    'renda@123456',
    'huawei@12345',
    'a1b2c3d4e5f6',
  ].map((p) => p.toLowerCase()),
);

export type PolicyViolation = 'too_short' | 'too_long' | 'too_few_classes' | 'contains_username' | 'common';

export function checkPasswordPolicy(password: string, username: string): PolicyViolation[] {
  const pw = password.normalize('NFC');
  const out: PolicyViolation[] = [];
  const length = [...pw].length;
  if (length < PASSWORD_MIN_LENGTH) out.push('too_short');
  if (length > PASSWORD_MAX_LENGTH) out.push('too_long');
  if (characterClasses(pw) < 3) out.push('too_few_classes');
  const user = username.trim().toLowerCase();
  if (user.length > 0 && pw.toLowerCase().includes(user)) out.push('contains_username');
  if (COMMON_PASSWORDS.has(pw.toLowerCase())) out.push('common');
  return out;
}

export function characterClasses(pw: string): number {
  let lower = 0;
  let upper = 0;
  let digit = 0;
  let other = 0;
  for (const ch of pw) {
    if (/\p{Ll}/u.test(ch)) lower = 1;
    else if (/\p{Lu}/u.test(ch)) upper = 1;
    else if (/\p{Nd}/u.test(ch)) digit = 1;
    else other = 1;
  }
  return lower + upper + digit + other;
}

export const POLICY_MESSAGES: Record<PolicyViolation, string> = {
  too_short: `at least ${PASSWORD_MIN_LENGTH} characters / 至少 ${PASSWORD_MIN_LENGTH} 个字符`,
  too_long: `at most ${PASSWORD_MAX_LENGTH} characters / 至多 ${PASSWORD_MAX_LENGTH} 个字符`,
  too_few_classes: 'at least 3 of: lower-case, upper-case, digit, other character / 至少包含小写字母、大写字母、数字、其他字符中的 3 类',
  contains_username: 'must not contain the username / 不得包含用户名',
  common: 'too common / 过于常见',
};

// No look-alikes (0/O, 1/l/I) so a printed password can be typed.
const GEN_CLASSES = ['abcdefghijkmnopqrstuvwxyz', 'ABCDEFGHJKLMNPQRSTUVWXYZ', '23456789', '-_.!@#%+='];

/** A random 20-character password with every class (≈ 118 bits). */
export function generatePassword(length = 20): string {
  const all = GEN_CLASSES.join('');
  const chars = GEN_CLASSES.map((c) => c[crypto.randomInt(c.length)]!);
  while (chars.length < length) chars.push(all[crypto.randomInt(all.length)]!);
  // Fisher–Yates with a CSPRNG so the guaranteed characters are not always first.
  for (let i = chars.length - 1; i > 0; i--) {
    const j = crypto.randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  return chars.join('');
}
