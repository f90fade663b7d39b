import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Limits, LimitsPatch, mergeLimits, parseCpuList, validateLimits } from './index.js';

const host = {
  cpus: 2,
  memoryBytes: 4096 * 1024 * 1024,
  cgroup: { controllers: ['cpu', 'cpuset', 'memory', 'blkio', 'pids'], swapAccounting: false },
};
const paths = (l: Limits, kind: 'ct' | 'vm' = 'ct') =>
  validateLimits(l, kind, host).map((p) => p.path);

test('limits: unknown fields are refused by name', () => {
  const r = Limits.safeParse({ memory: { limitMiB: 64, bogus: 1 } });
  assert.equal(r.success, false);
  assert.match(JSON.stringify(r.error?.issues), /bogus/);
  assert.equal(Limits.safeParse({ cpu: { cap: 0 } }).success, false);
  assert.equal(Limits.safeParse({ processes: -1 }).success, false);
});

test('limits: validation names the field, the range and the fix', () => {
  assert.deepEqual(paths({ memory: { swapMiB: 64 } }), ['memory.swapMiB']);
  assert.deepEqual(paths({ cpu: { affinity: '0,5' } }), ['cpu.affinity']);
  assert.deepEqual(paths({ cpu: { count: 1, cap: 150 } }), ['cpu.cap']);
  assert.deepEqual(paths({ memory: { limitMiB: 8192 } }), ['memory.limitMiB']);
  assert.deepEqual(paths({ network: { egressKbps: 100 } }), []);
  assert.deepEqual(paths({ network: { egressKbps: 100 } }, 'vm'), [], 'a VM shapes its taps');
  assert.deepEqual(paths({ memory: { minMiB: 64 } }), ['memory.minMiB']);
  assert.deepEqual(paths({ processes: 20 }, 'vm'), ['processes']);
  assert.deepEqual(
    paths({ memory: { limitMiB: 64, swapMiB: 0 }, cpu: { cap: 25, affinity: '0' }, processes: 20 }),
    [],
  );
  const [cap] = validateLimits({ cpu: { cap: 500 } }, 'ct', host);
  assert.match(cap!.message, /between 1 and 200/);
  assert.match(cap!.fix, /200/);
});

test('limits: a patch sets, keeps and clears', () => {
  const patch = LimitsPatch.parse({ memory: { limitMiB: null, swapMiB: 0 }, processes: 30 });
  assert.deepEqual(mergeLimits({ memory: { limitMiB: 64 }, cpu: { cap: 50 } }, patch), {
    memory: { swapMiB: 0 },
    cpu: { cap: 50 },
    processes: 30,
  });
  assert.deepEqual(mergeLimits({ processes: 5 }, { processes: null }), {});
  assert.deepEqual(parseCpuList('0,2-3'), [0, 2, 3]);
  assert.equal(parseCpuList('3-1'), null);
});
