import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Instance, Network, Task } from '@berth/contracts';
import { startStack, type Stack } from '../harness.js';
import { guest, waitForGuest } from '../vm-guest.js';
import { until } from '../wait.js';

type TaskReply = { task: Task };

/**
 * Takes one connection, and prints its rate in kbit/s from its first byte to the last of the
 * bytes it waits for; then drops it, so the sender ends whether or not its nc half-closes.
 */
const RECEIVER = `
const net = require('node:net');
const want = Number(process.argv[3]);
const server = net.createServer((s) => {
  let bytes = 0, t0 = 0;
  s.on('data', (d) => {
    if (!t0) t0 = performance.now();
    bytes += d.length;
    if (bytes >= want) {
      console.log(String((bytes * 8) / (performance.now() - t0)));
      s.destroy();
      server.close();
    }
  });
});
server.listen(Number(process.argv[2]), process.argv[1], () => console.log('listening'));
`;
type ErrorReply = { error: { message: string; issues?: Array<{ path: string }> } };
/** TCG boots the tiny guest in well under a minute; KVM in seconds. */
const GUEST_BOOT_MS = 120_000;

/*
 * QEMU's QMP socket takes one client, the agent's: what QEMU says is read through Berth, whose
 * effective limits are QEMU's own answers (query-balloon, query-block, query-cpus-fast).
 */

describe('resource limits on a real VM (tiny-linux): balloon, disk throttle and rate limits, live', () => {
  let stack: Stack;
  let vm: Instance;
  const patch = (limits: unknown) =>
    stack.call<Instance & ErrorReply>('PATCH', `/api/v1/instances/${vm.id}`, { limits });

  before(async () => {
    stack = await startStack('vmlim');
    const build = await stack.call<TaskReply>(
      'POST',
      '/api/v1/templates/tiny-linux/build?sync=true',
      {
        rebuild: false,
      },
    );
    assert.equal(build.body.task.status, 'succeeded', JSON.stringify(build.body.task.error));
    const res = await stack.call<TaskReply>('POST', '/api/v1/instances?sync=true', {
      kind: 'vm',
      name: 'limvm',
      disks: [{ template: 'tiny-linux' }],
      limits: { cpu: { count: 1 }, memory: { limitMiB: 256 } },
    });
    assert.equal(res.body.task.status, 'succeeded', JSON.stringify(res.body.task.error));
    vm = res.body.task.result as Instance;
    assert.equal(vm.vm?.memoryMiB, 256);
    const start = await stack.call<TaskReply>(
      'POST',
      `/api/v1/instances/${vm.id}/actions/start?sync=true`,
    );
    assert.equal(start.body.task.status, 'succeeded', JSON.stringify(start.body.task.error));
  });
  after(async () => {
    if (vm) await stack?.call('DELETE', `/api/v1/instances/${vm.id}?force=true&sync=true`);
    await stack?.close();
  });

  const shown = async () => (await stack.call<Instance>('GET', `/api/v1/instances/${vm.id}`)).body;

  test('the balloon shrinks live to memory.minMiB', async (t) => {
    const res = await patch({ memory: { minMiB: 160 } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    let actual: number | undefined;
    await until(
      'the guest to give memory back (query-balloon)',
      async () => {
        actual = (await shown()).effectiveLimits?.memory?.minMiB;
        return actual !== undefined && actual <= 170;
      },
      GUEST_BOOT_MS,
      1000,
    ).catch(() => undefined);
    t.diagnostic(`balloon: ${actual} MiB of 256 after asking for 160`);
    assert.ok(actual !== undefined && actual <= 170, `balloon at ${actual} MiB`);
    assert.equal((await shown()).effectiveLimits?.memory?.limitMiB, 256);
  });

  test('a disk throttle set live shows in query-block', async () => {
    const res = await patch({ disk: { writeBps: 5_000_000, readIops: 200 } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.effectiveLimits?.disk?.writeBps, 5_000_000);
    assert.equal(res.body.effectiveLimits?.disk?.readIops, 200);
    const lifted = await patch({ disk: { readIops: null } });
    assert.equal(lifted.body.effectiveLimits?.disk?.readIops, undefined);
    assert.equal(lifted.body.effectiveLimits?.disk?.writeBps, 5_000_000);
  });

  test("a cap and affinity go onto QEMU's own cgroup; vCPUs wait for the next start", async () => {
    const res = await patch({ cpu: { cap: 50, affinity: '0', count: 2 } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const pidfile = path.join(stack.agent.dataDir, 'vms', vm.id, 'qemu.pid');
    const pid = Number((await readFile(pidfile, 'utf8')).trim());
    const cgroups = await readFile(`/proc/${pid}/cgroup`, 'utf8');
    assert.match(cgroups, new RegExp(`berth/vm-${vm.id}`));
    assert.equal(res.body.effectiveLimits?.cpu?.cap, 50);
    assert.equal(res.body.effectiveLimits?.cpu?.affinity, '0');
    assert.equal(res.body.effectiveLimits?.cpu?.count, 1);
    assert.ok(res.body.limitsDiffer.includes('cpu.count'), JSON.stringify(res.body.limitsDiffer));
    const refused = await patch({ processes: 10 });
    assert.equal(refused.status, 400);
    assert.match(JSON.stringify(refused.body), /limits\.processes/);
  });

  test('rate limits go onto its tap live, hold a stream out of the guest, and are lifted', async (t) => {
    const tap = `vt${vm.id.slice(0, 8)}0`;
    const set = await patch({ network: { egressKbps: 2000, ingressKbps: 4000 } });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    assert.deepEqual(set.body.effectiveLimits?.network, { egressKbps: 2000, ingressKbps: 4000 });
    assert.deepEqual(
      set.body.limitsDiffer.filter((p) => p.startsWith('network.')),
      [],
      'what tc has is what was asked',
    );

    // One stream from the guest to the host's address on the stack's bridge, both this test's.
    await waitForGuest(stack, vm.id);
    const gateway = (await stack.call<Network>('GET', '/api/v1/networks/default')).body.ipv4.split(
      '/',
    )[0]!;
    const port = String(5300 + Math.floor(Math.random() * 500));
    const receiver = spawn(process.execPath, ['-e', RECEIVER, gateway, port, '1000000'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise((r) => receiver.once('exit', r));
    const lines: string[] = [];
    receiver.stdout.on('data', (d: Buffer) => lines.push(...d.toString().trim().split('\n')));
    try {
      await until('the receiver to listen', () => lines.includes('listening'), 10_000, 50);
      await guest(stack, vm.id, [
        'sh',
        '-c',
        `dd if=/dev/zero bs=1000 count=1100 2>/dev/null | timeout 30 nc ${gateway} ${port}`,
      ]);
      await until('the receiver to measure', () => lines.length > 1, 30_000, 100);
    } finally {
      receiver.kill();
      await exited;
    }
    const kbps = Number(lines.at(-1));
    t.diagnostic(`out of the guest under egressKbps 2000: ${Math.round(kbps)} kbit/s`);
    assert.ok(
      Math.abs(kbps - 2000) <= 400,
      `${Math.round(kbps)} kbit/s out of the guest, not 2000 ± 20 %`,
    );

    const lifted = await patch({ network: { egressKbps: null, ingressKbps: null } });
    assert.equal(lifted.status, 200, JSON.stringify(lifted.body));
    assert.equal(lifted.body.effectiveLimits?.network, undefined);
    assert.doesNotMatch(
      execFileSync('tc', ['qdisc', 'show', 'dev', tap], { encoding: 'utf8' }),
      /htb/,
    );
    assert.throws(
      () => execFileSync('ip', ['link', 'show', `i${tap}`], { stdio: 'pipe' }),
      'its IFB device went',
    );
  });
});
