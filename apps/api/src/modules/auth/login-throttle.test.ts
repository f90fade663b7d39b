import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RateLimitedError } from '@berth/contracts';
import { LoginThrottle, type LoginLimits } from './login-throttle.js';

const limits: LoginLimits = {
  accountFailures: 3,
  addressFailures: 5,
  firstDelaySeconds: 2,
  maxDelaySeconds: 10,
  forgetMinutes: 1,
};

function clocked() {
  const clock = { t: 1_000_000 };
  return { clock, throttle: new LoginThrottle(limits, () => clock.t) };
}

const refusedFor = (fn: () => unknown): number => {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof RateLimitedError, String(err));
    return err.retryAfterSeconds;
  }
  return 0;
};

test('an account locks after its free failures, for doubling delays up to the maximum', () => {
  const { clock, throttle } = clocked();
  assert.deepEqual(throttle.begin('admin', 'a1').failed(), []);
  assert.deepEqual(throttle.begin('admin', 'a2').failed(), []);
  assert.deepEqual(throttle.begin('admin', 'a3').failed(), [
    { scope: 'account', key: 'admin', failures: 3, seconds: 2 },
  ]);
  assert.equal(
    refusedFor(() => throttle.begin('admin', 'a4')),
    2,
  );
  for (const expected of [4, 8, 10, 10]) {
    clock.t += 60_000;
    const [lock] = throttle.begin('admin', `b${expected}`).failed();
    assert.equal(lock?.seconds, expected);
  }
  // Another username is not held up by this one's lock.
  assert.equal(
    refusedFor(() => throttle.begin('other', 'c1').succeeded()),
    0,
  );
});

test('a right password clears the account; quiet time forgets failures', () => {
  const { clock, throttle } = clocked();
  throttle.begin('u', 'a1').failed();
  throttle.begin('u', 'a2').failed();
  throttle.begin('u', 'a3').succeeded();
  assert.deepEqual(throttle.begin('u', 'a4').failed(), [], 'counting starts again');
  throttle.begin('u', 'a5').failed();
  clock.t += 61_000;
  assert.deepEqual(throttle.begin('u', 'a6').failed(), [], 'forgotten after forgetMinutes');
});

test('one address guessing at many usernames locks, and a good login does not reset it', () => {
  const { throttle } = clocked();
  for (let i = 0; i < 4; i++) assert.deepEqual(throttle.begin(`user${i}`, 'evil').failed(), []);
  throttle.begin('mine', 'evil').succeeded();
  const locks = throttle.begin('user9', 'evil').failed();
  assert.deepEqual(locks, [{ scope: 'address', key: 'evil', failures: 5, seconds: 2 }]);
  assert.ok(refusedFor(() => throttle.begin('anyone', 'evil')) > 0);
  assert.equal(
    refusedFor(() => throttle.begin('anyone', 'elsewhere').abandoned()),
    0,
  );
});

test('attempts sent at once count before their answers: only the free ones are checked', () => {
  const { throttle } = clocked();
  const letThrough = [];
  let refused = 0;
  for (let i = 0; i < 50; i++) {
    try {
      letThrough.push(throttle.begin('admin', `a${i}`));
    } catch {
      refused += 1;
    }
  }
  assert.equal(letThrough.length, 3);
  assert.equal(refused, 47);
  for (const a of letThrough) a.failed();
  assert.ok(refusedFor(() => throttle.begin('admin', 'z')) > 0, 'then locked');
});
