/**
 * TOTP second factor, RFC 6238 (HMAC-SHA-1, 30-second steps, 6 digits: what authenticator apps
 * implement), accepting the previous and next step for clock drift. Hand-written on node:crypto
 * instead of a dependency: it is RFC 4226 §5.3 dynamic truncation and a base32 codec.
 */
import crypto from 'node:crypto';

export const TOTP_STEP_SECONDS = 30;
export const TOTP_DIGITS = 6;

export type TotpAlgorithm = 'sha1' | 'sha256' | 'sha512';

/** The HOTP value of one counter (RFC 4226 §5.3). */
export function hotp(key: Buffer, counter: bigint, digits = TOTP_DIGITS, algorithm: TotpAlgorithm = 'sha1'): string {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(counter);
  const mac = crypto.createHmac(algorithm, key).update(msg).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const bin = (mac.readUInt32BE(offset) & 0x7fffffff) % 10 ** digits;
  return bin.toString().padStart(digits, '0');
}

export function totpStep(at: Date): bigint {
  return BigInt(Math.floor(at.getTime() / 1000 / TOTP_STEP_SECONDS));
}

export function totp(key: Buffer, at: Date, digits = TOTP_DIGITS, algorithm: TotpAlgorithm = 'sha1'): string {
  return hotp(key, totpStep(at), digits, algorithm);
}

/**
 * The step that `code` matches within ±`window` steps of `at`, or null. The caller rejects a
 * step not greater than the last one accepted, so a code cannot be replayed.
 */
export function verifyTotp(key: Buffer, code: string, at: Date, window = 1): bigint | null {
  if (!/^[0-9]{6}$/.test(code)) return null;
  const now = totpStep(at);
  let found: bigint | null = null;
  // Check every candidate (no early return) so the time taken does not say which step matched.
  for (let d = -window; d <= window; d++) {
    const step = now + BigInt(d);
    const expected = Buffer.from(hotp(key, step));
    if (crypto.timingSafeEqual(expected, Buffer.from(code)) && found === null) found = step;
  }
  return found;
}

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function base32Encode(buf: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of buf) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += B32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += B32[(value << (5 - bits)) & 31];
  return out;
}

export function base32Decode(s: string): Buffer {
  const clean = s.replace(/[\s=]/g, '').toUpperCase();
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const ch of clean) {
    const idx = B32.indexOf(ch);
    if (idx < 0) throw new Error('invalid base32');
    value = (value << 5) | idx;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** A new 160-bit secret (RFC 4226 §4 recommends 160 bits), base32 as authenticator apps take it. */
export function newTotpSecret(): string {
  return base32Encode(crypto.randomBytes(20));
}

/** The otpauth:// URI an authenticator app scans as a QR code. */
export function totpUri(secretBase32: string, username: string, issuer = 'caijian'): string {
  const label = encodeURIComponent(`${issuer}:${username}`);
  return `otpauth://totp/${label}?secret=${secretBase32}&issuer=${encodeURIComponent(issuer)}&algorithm=SHA1&digits=${TOTP_DIGITS}&period=${TOTP_STEP_SECONDS}`;
}
