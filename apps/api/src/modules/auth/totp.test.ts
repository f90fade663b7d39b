import assert from 'node:assert/strict';
import { test } from 'node:test';
import { base32Decode, base32Encode, hotp, stepAt, verifyTotp } from './totp.js';

// RFC 6238 appendix B, SHA-1 rows: the ASCII secret "12345678901234567890", 8 digits.
const RFC_KEY = Buffer.from('12345678901234567890', 'ascii');
const VECTORS: Array<[number, string]> = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
];

test('TOTP matches the RFC 6238 test vectors (SHA-1)', () => {
  for (const [seconds, code] of VECTORS) {
    assert.equal(hotp(RFC_KEY, stepAt(seconds * 1000), 8), code, `T=${seconds}`);
  }
});

test('six-digit codes are verified within one step of drift, and never twice', () => {
  const secret = base32Encode(RFC_KEY);
  assert.deepEqual(base32Decode(secret), RFC_KEY);
  const at = 1111111111 * 1000;
  const code = hotp(RFC_KEY, stepAt(at));
  assert.equal(code, '050471');
  const step = verifyTotp(secret, code, at, null);
  assert.equal(step, stepAt(at));
  assert.equal(verifyTotp(secret, code, at + 30_000, null), step, 'the previous step still counts');
  assert.equal(verifyTotp(secret, code, at + 90_000, null), null, 'too old');
  assert.equal(verifyTotp(secret, code, at, step), null, 'a replay is refused');
  assert.equal(verifyTotp(secret, '000000', at, null), null);
});
