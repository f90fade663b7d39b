import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonicalJson, licenseTimeState } from './licenses.js';

test('canonical JSON sorts keys at every depth and has no spaces, so a re-serialised file still verifies', () => {
  assert.equal(
    canonicalJson({ b: [{ y: 1, x: 'a b' }], a: null, c: { e: true, d: 2 } }),
    '{"a":null,"b":[{"x":"a b","y":1}],"c":{"d":2,"e":true}}',
  );
  assert.equal(canonicalJson({ b: 1, a: 2 }), canonicalJson({ a: 2, b: 1 }));
});

test('a license is valid until expiry, in grace for graceDays after, then expired', () => {
  const expiresAt = '2026-06-10T00:00:00.000Z';
  const at = (iso: string) => licenseTimeState({ expiresAt, graceDays: 5 }, new Date(iso));
  assert.deepEqual(at('2026-06-01T00:00:00.000Z'), { state: 'valid', daysLeft: 9 });
  assert.deepEqual(at('2026-06-12T00:00:00.000Z'), { state: 'grace', daysLeft: 3 });
  assert.deepEqual(at('2026-06-15T00:00:00.000Z'), { state: 'expired', daysLeft: 0 });
});
