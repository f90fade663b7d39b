import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Limits } from '@berth/contracts';
import {
  describeLimits,
  limitTextErrors,
  limitsFor,
  limitsToText,
  textToLimits,
} from './limitsForm';

const sample: Limits = {
  cpu: { count: 2, cap: 150, affinity: '0-1' },
  memory: { limitMiB: 2048, swapMiB: 0 },
  disk: { sizeMiB: 8192 },
  processes: 512,
};

test('limits round-trip through the form text', () => {
  assert.deepEqual(textToLimits(limitsToText(sample)), sample);
});

test('empty fields are left out; junk stays NaN for the schema to name', () => {
  const l = textToLimits({ 'cpu.cap': ' ', 'memory.limitMiB': 'lots' });
  assert.deepEqual(Object.keys(l), ['memory']);
  const parsed = Limits.safeParse(l);
  assert.equal(parsed.success, false);
  assert.deepEqual(parsed.error?.issues[0]?.path, ['memory', 'limitMiB']);
  assert.deepEqual(limitTextErrors({ 'memory.limitMiB': 'lots', 'cpu.affinity': '0-1' }), {
    'memory.limitMiB': 'a whole number, or empty for no limit',
  });
});

test('only what the kind takes: a VM gets no swap, disk size or processes', () => {
  assert.deepEqual(limitsFor('vm', sample), {
    cpu: { count: 2, cap: 150, affinity: '0-1' },
    memory: { limitMiB: 2048 },
  });
  assert.deepEqual(limitsFor('ct', sample), sample);
});

test('one line for a list', () => {
  assert.equal(
    describeLimits(sample),
    '2 CPUs · cap 150% · on CPUs 0-1 · 2.0 GiB · swap 0 B · disk 8.0 GiB · 512 processes',
  );
  assert.equal(describeLimits({}), 'no limits');
});
