import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CgroupInfo } from './cgroup.js';
import { cgroupSettings, cpusetOf } from './keys.js';

const v1: CgroupInfo = {
  version: 'v1',
  controllers: ['cpu', 'cpuset', 'memory', 'blkio', 'pids'],
  swapAccounting: true,
  ioWeightKey: null,
};
const v2: CgroupInfo = {
  version: 'v2',
  controllers: ['cpu', 'cpuset', 'memory', 'io', 'blkio', 'pids', 'blkio.weight'],
  swapAccounting: true,
  ioWeightKey: 'io.weight',
};
const limits = {
  cpu: { weight: 200, cap: 25, affinity: '0' },
  memory: { limitMiB: 64, swapMiB: 32 },
  disk: { writeBps: 5_000_000, weight: 500 },
  processes: 20,
};
const asMap = (s: { key: string; value: string }[]) => s.map((x) => `${x.key}=${x.value}`);

test('v1 keys: shares, CFS quota, cpuset, memory then memory+swap, pids, per-device throttle', () => {
  const out = asMap(cgroupSettings(limits, { cgroup: v1, hostCpus: 2, devices: ['7:3'] }, false));
  assert.deepEqual(out, [
    'cpu.shares=2048',
    'cpu.cfs_period_us=100000',
    'cpu.cfs_quota_us=25000',
    'cpuset.cpus=0',
    'memory.limit_in_bytes=67108864',
    'memory.memsw.limit_in_bytes=100663296',
    'pids.max=20',
    'blkio.throttle.write_bps_device=7:3 5000000',
  ]);
});

test('v1 reset: unset fields are lifted, memory+swap first so the limit may rise', () => {
  const out = asMap(
    cgroupSettings({ memory: { limitMiB: 64 } }, { cgroup: v1, hostCpus: 2, devices: [] }, true),
  );
  assert.deepEqual(out, [
    'cpu.shares=1024',
    'cpu.cfs_period_us=100000',
    'cpu.cfs_quota_us=-1',
    'cpuset.cpus=0-1',
    'memory.memsw.limit_in_bytes=-1',
    'memory.limit_in_bytes=67108864',
    'memory.memsw.limit_in_bytes=67108864',
    'pids.max=max',
  ]);
});

test('v2 keys: cpu.weight, cpu.max, memory.max/swap.max, io.max in one line, io.weight scaled', () => {
  const out = asMap(cgroupSettings(limits, { cgroup: v2, hostCpus: 2, devices: ['7:3'] }, false));
  assert.deepEqual(out, [
    'cpu.weight=200',
    'cpu.max=25000 100000',
    'cpuset.cpus=0',
    'memory.max=67108864',
    'memory.swap.max=33554432',
    'pids.max=20',
    'io.weight=default 100',
    'io.max=7:3 rbps=max wbps=5000000 riops=max wiops=max',
  ]);
});

test('a CPU count takes the first CPUs of the affinity, or of the host', () => {
  assert.equal(cpusetOf({ cpu: { count: 2 } }, 4), '0,1');
  assert.equal(cpusetOf({ cpu: { count: 1, affinity: '2-3' } }, 4), '2');
  assert.equal(cpusetOf({}, 4), null);
});
