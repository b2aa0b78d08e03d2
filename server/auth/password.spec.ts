import { describe, expect, it } from 'vitest';
import { characterClasses, checkPasswordPolicy, generatePassword, hashPassword, needsRehash, verifyPassword } from './password.ts';

describe('password hashing', () => {
  it('stores argon2id with m=19456 KiB, t=2, p=1 and verifies', async () => {
    const h = await hashPassword('Correct-Horse-9');
    expect(h).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/);
    expect(await verifyPassword(h, 'Correct-Horse-9')).toBe(true);
    expect(await verifyPassword(h, 'Correct-Horse-8')).toBe(false);
    expect(await verifyPassword('not a hash', 'x')).toBe(false);
    expect(needsRehash(h)).toBe(false);
    expect(needsRehash('$argon2id$v=19$m=4096,t=3,p=1$c2FsdA$aGFzaA')).toBe(true);
  });
});

describe('password policy', () => {
  it.each([
    ['Short1!', ['too_short']],
    ['alllowercaseletters', ['too_few_classes']],
    ['lowercase and 123', []], // lower, digit, other (space)
    ['UPPERlower1234', []],
    ['Password1234', ['common']],
    ['qwertyuiop12', ['too_few_classes', 'common']],
    ['预算审查监督Budget2026', []], // Chinese characters count as "other"
    ['xx-wangfang-2026X', ['contains_username']],
    ['a'.repeat(129) + 'A1', ['too_long']],
  ])('%s → %j', (pw, expected) => {
    expect(checkPasswordPolicy(pw, 'WangFang')).toEqual(expected);
  });

  it('counts the four classes', () => {
    expect(characterClasses('aA1!')).toBe(4);
    expect(characterClasses('aaaa')).toBe(1);
  });

  it('generates passwords that pass the policy', () => {
    for (let i = 0; i < 200; i++) expect(checkPasswordPolicy(generatePassword(), 'someone')).toEqual([]);
  });
});
