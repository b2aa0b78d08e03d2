import { describe, expect, it } from 'vitest';
import { base32Decode, base32Encode, hotp, totp, verifyTotp, type TotpAlgorithm } from './totp.ts';

// RFC 6238 Appendix B: the seed is the ASCII string repeated to the hash's key length.
const SEEDS: Record<TotpAlgorithm, Buffer> = {
  sha1: Buffer.from('12345678901234567890', 'ascii'),
  sha256: Buffer.from('12345678901234567890123456789012', 'ascii'),
  sha512: Buffer.from('1234567890123456789012345678901234567890123456789012345678901234', 'ascii'),
};
const VECTORS: [number, string, TotpAlgorithm][] = [
  [59, '94287082', 'sha1'],
  [59, '46119246', 'sha256'],
  [59, '90693936', 'sha512'],
  [1111111109, '07081804', 'sha1'],
  [1111111109, '68084774', 'sha256'],
  [1111111109, '25091201', 'sha512'],
  [1111111111, '14050471', 'sha1'],
  [1111111111, '67062674', 'sha256'],
  [1111111111, '99943326', 'sha512'],
  [1234567890, '89005924', 'sha1'],
  [1234567890, '91819424', 'sha256'],
  [1234567890, '93441116', 'sha512'],
  [2000000000, '69279037', 'sha1'],
  [2000000000, '90698825', 'sha256'],
  [2000000000, '38618901', 'sha512'],
  [20000000000, '65353130', 'sha1'],
  [20000000000, '77737706', 'sha256'],
  [20000000000, '47863826', 'sha512'],
];

describe('TOTP (RFC 6238)', () => {
  it.each(VECTORS)('T=%i gives %s with %s', (seconds, expected, alg) => {
    expect(totp(SEEDS[alg], new Date(seconds * 1000), 8, alg)).toBe(expected);
  });

  it('matches the RFC 4226 Appendix D HOTP values', () => {
    const expected = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489'];
    expect(expected.map((_, i) => hotp(SEEDS.sha1, BigInt(i)))).toEqual(expected);
  });

  it('accepts the previous, current and next step and nothing further', () => {
    const at = new Date(1_700_000_000_000);
    const step = BigInt(Math.floor(at.getTime() / 30_000));
    for (const d of [-1n, 0n, 1n]) expect(verifyTotp(SEEDS.sha1, hotp(SEEDS.sha1, step + d), at)).toBe(step + d);
    for (const d of [-2n, 2n]) expect(verifyTotp(SEEDS.sha1, hotp(SEEDS.sha1, step + d), at)).toBeNull();
    expect(verifyTotp(SEEDS.sha1, '12345', at)).toBeNull();
    expect(verifyTotp(SEEDS.sha1, 'abcdef', at)).toBeNull();
  });

  it('round-trips base32 (RFC 4648 test vectors)', () => {
    expect(base32Encode(Buffer.from('foobar'))).toBe('MZXW6YTBOI');
    expect(base32Encode(Buffer.from('fooba'))).toBe('MZXW6YTB');
    expect(base32Decode('MZXW6YTBOI======').toString()).toBe('foobar');
    expect(base32Decode('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ')).toEqual(SEEDS.sha1);
  });
});
