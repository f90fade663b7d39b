import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AppError, Limits, validateLimits } from '@berth/contracts';
import { scaleLimits, splitHost } from './arithmetic.js';

const GiB = 1024 ** 3;

describe('split this server into N', () => {
  test('8 CPUs, 16 GiB, 100 GiB into 4: the host keeps 10% of each (memory at least 512 MiB)', () => {
    const r = splitHost({ cpus: 8, memoryBytes: 16 * GiB, diskBytes: 100 * GiB }, 4);
    // 16384 MiB less max(512, 1639) = 14745 → 3686.25 each, down to 3680 (16 MiB steps).
    assert.deepEqual(r.limits, {
      cpu: { cap: 180, count: 2 },
      memory: { limitMiB: 3680 },
      disk: { sizeMiB: 23040 },
    });
    assert.deepEqual(r.host, { cpus: 8, memoryMiB: 16384, diskMiB: 102400 });
    assert.deepEqual(r.headroom, { cpuPercent: 10, memoryMiB: 1639, diskMiB: 10240 });
    // N of them fit beside the headroom.
    assert.ok(4 * 3680 + 1639 <= 16384);
    assert.ok(4 * 23040 + 10240 <= 102400);
    assert.ok(4 * 180 <= 8 * 100 * 0.9);
  });

  test('a small host keeps 512 MiB of memory, not 10%', () => {
    const r = splitHost({ cpus: 2, memoryBytes: 2 * GiB, diskBytes: 16 * GiB }, 3);
    assert.equal(r.headroom.memoryMiB, 512);
    assert.deepEqual(r.limits.memory, { limitMiB: 512 });
    assert.deepEqual(r.limits.cpu, { cap: 60, count: 1 });
  });

  test('every split is a valid sample that holds together on its host', () => {
    for (const count of [1, 2, 3, 7, 16, 45]) {
      const host = { cpus: 4, memoryBytes: 8 * GiB, diskBytes: 64 * GiB };
      const r = splitHost(host, count);
      assert.ok(Limits.safeParse(r.limits).success, `count ${count}`);
      for (const kind of ['ct', 'vm'] as const) {
        const problems = validateLimits(r.limits, kind, { ...host, cgroup: null }).filter(
          (p) => p.path !== 'disk.sizeMiB', // a VM's disks are sized apart from its limits
        );
        assert.deepEqual(problems, [], `${kind} count ${count}`);
      }
    }
  });

  test('more instances than the host can carry: a 400 naming the most it can', () => {
    const host = { cpus: 2, memoryBytes: 2 * GiB, diskBytes: 16 * GiB };
    // CPU: 180% → 180 instances; memory: 1536 / 32 → 48; disk: plenty.
    assert.doesNotThrow(() => splitHost(host, 48));
    assert.throws(
      () => splitHost(host, 49),
      (e: AppError) => e.code === 'validation_error' && /at most 48 instances/.test(e.message),
    );
    assert.throws(
      () => splitHost({ cpus: 1, memoryBytes: 256 * 1024 ** 2, diskBytes: GiB }, 1),
      /too little memory or disk/,
    );
  });
});

describe('scale a sample', () => {
  const medium: Limits = {
    cpu: { weight: 100, cap: 100, count: 1, affinity: '0-1' },
    memory: { limitMiB: 1024, swapMiB: 256 },
    disk: { sizeMiB: 8192, inodes: 100_000, writeBps: 5_000_000 },
    processes: 1024,
  };

  test('doubles every quantity and keeps the CPU list', () => {
    assert.deepEqual(scaleLimits(medium, 2), {
      cpu: { weight: 200, cap: 200, count: 2, affinity: '0-1' },
      memory: { limitMiB: 2048, swapMiB: 512 },
      disk: { sizeMiB: 16384, inodes: 199_680, writeBps: 10_000_000 },
      processes: 2048,
    });
  });

  test('rounds sizes to 16 MiB and inodes to 1024, never below a field’s least value', () => {
    const r = scaleLimits(medium, 0.3);
    assert.deepEqual(r.memory, { limitMiB: 304, swapMiB: 80 }); // 307.2 → 304, 76.8 → 80
    assert.equal(r.disk?.inodes, 29_696); // 30000 → 29 × 1024
    assert.equal(r.cpu?.count, 1);
    assert.equal(r.cpu?.cap, 30);
    const tiny = scaleLimits({ memory: { limitMiB: 32 }, disk: { weight: 20 } }, 0.1);
    assert.deepEqual(tiny, { memory: { limitMiB: 16 }, disk: { weight: 10 } });
  });

  test('the CPU count follows the cap so cap ≤ count × 100 holds', () => {
    const r = scaleLimits({ cpu: { cap: 200, count: 2 } }, 1.2);
    assert.deepEqual(r.cpu, { cap: 240, count: 3 }); // round(2.4) = 2 would be too few
  });

  test('a result past a field’s range is a 400 naming the field', () => {
    assert.throws(
      () => scaleLimits({ cpu: { weight: 1000 } }, 16),
      (e: AppError) =>
        e.code === 'validation_error' &&
        e.issues?.[0]?.path === 'limits.cpu.weight' &&
        /scaled by 16: cpu.weight must be between 1 and 10000/.test(e.issues[0].message),
    );
  });
});
