import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test, type TestContext } from 'node:test';
import type { Host, HostFacts, Instance, Task } from '@berth/contracts';
import { startStack, type Stack } from '../harness.js';
import { execIn, runningContainer } from '../running-container.js';
import { until } from '../wait.js';

type TaskReply = { task: Task };
type ErrorReply = { error: { message: string; issues?: Array<{ path: string; message: string }> } };
const MiB = 1024 * 1024;
const LXCFS_MEMINFO = '/var/lib/lxcfs/proc/meminfo';

/** The v1 cgroup directory of a process for one controller (or the unified one on v2). */
async function cgroupDir(pid: number, controller: string): Promise<string> {
  const text = await readFile(`/proc/${pid}/cgroup`, 'utf8');
  for (const line of text.trim().split('\n')) {
    const [, list = '', rel = ''] = line.split(':');
    if (list.split(',').includes(controller)) return path.join('/sys/fs/cgroup', controller, rel);
    if (list === '') return path.join('/sys/fs/cgroup', rel);
  }
  throw new Error(`no ${controller} cgroup for ${pid}`);
}
const readKey = async (dir: string, key: string) =>
  (await readFile(path.join(dir, key), 'utf8')).trim();

/** CPU time used by a cgroup, in seconds (cpuacct.usage on v1, cpu.stat on v2). */
async function cpuSeconds(pid: number): Promise<number> {
  const dir = await cgroupDir(pid, 'cpuacct');
  if (dir.includes('/cpuacct/')) return Number(await readKey(dir, 'cpuacct.usage')) / 1e9;
  const stat = await readKey(dir, 'cpu.stat');
  return Number(/usage_usec (\d+)/.exec(stat)?.[1]) / 1e6;
}

describe('resource limits on a real busybox container', () => {
  let stack: Stack;
  let ct: Instance;
  let facts: HostFacts;

  const hostFacts = async () => {
    const hosts = (await stack.call<{ items: Host[] }>('GET', '/api/v1/hosts')).body.items;
    return hosts.find((h) => h.isLocal)?.facts as HostFacts;
  };
  const get = async (id: string) =>
    (await stack.call<Instance>('GET', `/api/v1/instances/${id}`)).body;
  const patch = (id: string, limits: unknown) =>
    stack.call<Instance & ErrorReply>('PATCH', `/api/v1/instances/${id}`, { limits });
  const exec = (command: string[], timeoutSeconds = 30) =>
    execIn(stack, ct.id, command, timeoutSeconds);
  /**
   * lxcfs runs wherever the kernel has FUSE (setup.sh installs it): only a host without
   * /dev/fuse skips what needs it; anywhere else a stopped lxcfs is a failure.
   */
  const lxcfsExpected = async (t: TestContext): Promise<boolean> => {
    if (!existsSync('/dev/fuse')) {
      t.skip('no /dev/fuse on this host: lxcfs cannot run');
      return false;
    }
    const { lxcfs } = await hostFacts();
    assert.equal(lxcfs.running, true, lxcfs.reason ?? '');
    return true;
  };
  /** The container's init on the host: its cgroups are the container's. */
  const initPid = () =>
    Number(
      execFileSync('lxc-info', [
        '-P',
        path.join(stack.agent.dataDir, 'lxc'),
        '-n',
        String(ct.ctid),
        '-p',
        '-H',
      ])
        .toString()
        .trim(),
    );

  before(async () => {
    stack = await startStack('limits');
    facts = await hostFacts();
    ct = await runningContainer(stack, {
      name: `lim-${process.pid}`,
      limits: { memory: { limitMiB: 64 } },
    });
  });
  after(async () => {
    if (ct) await stack?.call('DELETE', `/api/v1/instances/${ct.id}?force=true&sync=true`);
    await stack?.close();
  });

  test('every invalid case is a 400 naming the field and the range, and changes nothing', async () => {
    const before = await get(ct.id);
    const cpus = (await import('node:os')).cpus().length;
    const cases: Array<[unknown, RegExp, RegExp]> = [
      [{ memory: { limitMiB: 64, bogus: 1 } }, /limits\.memory/, /bogus/],
      [{ cpu: { cap: 0 } }, /limits\.cpu\.cap/, /between 1 and/],
      [{ processes: -5 }, /limits\.processes/, /between 1 and/],
      [{ cpu: { affinity: `0,${cpus + 3}` } }, /limits\.cpu\.affinity/, /does not exist/],
      [
        { memory: { limitMiB: null, swapMiB: 32 } },
        /limits\.memory\.swapMiB/,
        /needs a memory limit/,
      ],
      [{ cpu: { count: 1, cap: 150 } }, /limits\.cpu\.cap/, /between 1 and 100/],
      [{ memory: { limitMiB: 512 * 1024 } }, /limits\.memory\.limitMiB/, /host's memory/],
      [{ network: { egressKbps: 0 } }, /limits\.network\.egressKbps/, /between 1 and/],
    ];
    for (const [limits, field, words] of cases) {
      const res = await patch(ct.id, limits);
      assert.equal(res.status, 400, `${JSON.stringify(limits)}: ${JSON.stringify(res.body)}`);
      const issues = JSON.stringify(res.body.error.issues ?? []);
      assert.match(issues, field, JSON.stringify(limits));
      assert.match(JSON.stringify(res.body.error), words, JSON.stringify(limits));
    }
    const unknownAtCreate = await stack.call<ErrorReply>('POST', '/api/v1/instances', {
      template: 'busybox',
      name: 'nope',
      memoryMiB: 64,
    });
    assert.equal(unknownAtCreate.status, 400);
    assert.match(JSON.stringify(unknownAtCreate.body), /memoryMiB/);
    const after = await get(ct.id);
    assert.deepEqual(after.limits, before.limits);
    assert.deepEqual(after.effectiveLimits, before.effectiveLimits);
    assert.equal(facts.cgroup.version.length, 2);
  });

  test('64 MiB holds against a 256 MiB allocation, and /proc/meminfo inside says 64 (lxcfs)', async (t) => {
    const shown = await get(ct.id);
    assert.equal(shown.effectiveLimits?.memory?.limitMiB, 64, JSON.stringify(shown));
    assert.deepEqual(shown.limitsDiffer, []);
    const dir = await cgroupDir(initPid(), 'memory');
    const v1 = dir.includes('/memory/');
    const failsBefore = v1 ? Number(await readKey(dir, 'memory.failcnt')) : 0;
    // dd's block is one 256 MiB buffer, filled from /dev/zero: all of it touched at once.
    const hog = await exec(['dd', 'if=/dev/zero', 'of=/dev/null', 'bs=256M', 'count=1']);
    if (v1) {
      const fails = Number(await readKey(dir, 'memory.failcnt'));
      assert.ok(fails > failsBefore || hog.exitCode !== 0, `failcnt ${failsBefore} → ${fails}`);
      assert.ok(Number(await readKey(dir, 'memory.max_usage_in_bytes')) <= 64 * MiB);
    } else {
      assert.notEqual(hog.exitCode, 0, 'the allocation was killed');
    }
    if (!(await lxcfsExpected(t))) return;
    // busybox's free asks sysinfo(2), which lxcfs cannot answer; procps's free (debian-12)
    // reads /proc/meminfo, which is lxcfs's.
    const meminfo = await exec(['cat', '/proc/meminfo']);
    assert.match(meminfo.stdout, /^MemTotal:\s+65536 kB$/m, meminfo.stdout);
  });

  test('a 25 % cap measures 20–30 % of a CPU over 3 s; affinity 0 keeps it on CPU 0', async (t) => {
    const res = await patch(ct.id, { cpu: { cap: 25, affinity: '0' } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.effectiveLimits?.cpu?.cap, 25);
    assert.equal(res.body.effectiveLimits?.cpu?.affinity, '0');
    const pid = initPid();
    const busy = exec(['timeout', '5', 'sh', '-c', 'while :; do :; done'], 10);
    await new Promise((r) => setTimeout(r, 1000));
    const t0 = await cpuSeconds(pid);
    const w0 = Date.now();
    await new Promise((r) => setTimeout(r, 3000));
    const share = ((await cpuSeconds(pid)) - t0) / ((Date.now() - w0) / 1000);
    await busy;
    t.diagnostic(`busy loop under a 25 % cap: ${(share * 100).toFixed(1)} % of a CPU`);
    assert.ok(share >= 0.2 && share <= 0.3, `CPU share ${share.toFixed(3)}`);
    const allowed = await exec(['grep', 'Cpus_allowed_list', '/proc/self/status']);
    assert.match(allowed.stdout, /Cpus_allowed_list:\s+0$/m);
    assert.equal((await exec(['nproc'])).stdout.trim(), '1');
    const cleared = await patch(ct.id, { cpu: { cap: null, affinity: null } });
    assert.equal(cleared.body.effectiveLimits?.cpu?.cap, undefined);
  });

  test('with 20 processes the 21st fork fails inside', async (t) => {
    const res = await patch(ct.id, { processes: 20 });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.effectiveLimits?.processes, 20);
    const dir = await cgroupDir(initPid(), 'pids');
    const refused = async () => Number(/max (\d+)/.exec(await readKey(dir, 'pids.events'))?.[1]);
    const refusedBefore = await refused();
    // busybox's sh gives up at the first failed fork: each success is written down first.
    const out = await exec([
      'sh',
      '-c',
      'n=0; while [ $n -lt 40 ]; do sleep 3 & n=$((n+1)); echo $n > /tmp/started; done',
    ]);
    await new Promise((r) => setTimeout(r, 3500));
    const started = Number((await exec(['cat', '/tmp/started'])).stdout.trim());
    t.diagnostic(`under pids.max 20: ${started} sleeps started, then: ${out.stderr.trim()}`);
    // init, the attached sh and its sleeps are 20 tasks at most: the next fork is refused.
    assert.ok(started > 10 && started < 20, JSON.stringify(out));
    assert.match(out.stderr, /fork|resource|again/i, JSON.stringify(out));
    assert.ok((await refused()) > refusedBefore, 'pids.events counts the refused fork');
    await patch(ct.id, { processes: null });
  });

  test('a 5 MB/s write limit holds within 25 % for a direct-I/O dd', async (t) => {
    const res = await patch(ct.id, { disk: { writeBps: 5 * 1000 * 1000 } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.effectiveLimits?.disk?.writeBps, 5_000_000, JSON.stringify(res.body));
    const started = Date.now();
    const dd = await exec(
      ['dd', 'if=/dev/zero', 'of=/root/throttled', 'bs=1M', 'count=15', 'oflag=direct'],
      60,
    );
    const seconds = (Date.now() - started) / 1000;
    assert.equal(dd.exitCode, 0, dd.stderr);
    const rate = (15 * MiB) / seconds / 1e6;
    t.diagnostic(`direct-I/O dd under a 5 MB/s limit: ${rate.toFixed(2)} MB/s`);
    assert.ok(rate >= 3.75 && rate <= 6.25, `wrote at ${rate.toFixed(2)} MB/s`);
    await exec(['rm', '-f', '/root/throttled']);
    await patch(ct.id, { disk: { writeBps: null } });
  });

  test('a restarted agent puts the kernel back to the configured limits (reconciled at start)', async () => {
    const res = await patch(ct.id, { processes: 50 });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    // As if an agent had died between writing the kernel and saving the record: they disagree.
    execFileSync('lxc-cgroup', [
      ...['-P', path.join(stack.agent.dataDir, 'lxc'), '-n', String(ct.ctid)],
      ...['--', 'pids.max', '7'],
    ]);
    const drifted = await get(ct.id);
    assert.equal(drifted.effectiveLimits?.processes, 7);
    assert.deepEqual(drifted.limitsDiffer, ['processes']);
    await stack.restartAgent({ kill: true });
    const back = await get(ct.id);
    assert.equal(back.effectiveLimits?.processes, 50);
    assert.deepEqual(back.limitsDiffer, []);
  });

  test('free -m in a debian-12 container (procps) shows its 64 MiB', async (t) => {
    if (!(await lxcfsExpected(t))) return;
    const res = await stack.call<TaskReply>('POST', '/api/v1/instances?sync=true', {
      template: 'debian-12',
      name: `limdeb-${process.pid}`,
      limits: { memory: { limitMiB: 64 } },
    });
    assert.equal(res.body.task.status, 'succeeded', JSON.stringify(res.body.task.error));
    const deb = res.body.task.result as Instance;
    try {
      const start = await stack.call<TaskReply>(
        'POST',
        `/api/v1/instances/${deb.id}/actions/start?sync=true`,
      );
      assert.equal(start.body.task.status, 'succeeded', JSON.stringify(start.body.task.error));
      const free = await execIn(stack, deb.id, ['free', '-m']);
      t.diagnostic(free.stdout.split('\n')[1] ?? '');
      assert.match(free.stdout, /^Mem:\s+64\s/m, free.stdout);
    } finally {
      await stack.call('DELETE', `/api/v1/instances/${deb.id}?force=true&sync=true`);
    }
  });

  // The CI machine once began with such a mount (its lxcfs killed with the previous run's
  // session), and mkdir on it failed with ENOTCONN, which stopped every agent from starting.
  test('an lxcfs killed under its mount: a restarted agent lets the dead mount go and mounts afresh', async (t) => {
    if (!(await lxcfsExpected(t))) return;
    for (const pid of execFileSync('pgrep', ['-x', 'lxcfs']).toString().trim().split('\n')) {
      process.kill(Number(pid), 'SIGKILL');
    }
    await until('the lxcfs mount to be dead', async () => {
      try {
        statSync(LXCFS_MEMINFO);
        return false;
      } catch (err) {
        return (err as NodeJS.ErrnoException).code === 'ENOTCONN';
      }
    });
    await stack.restartAgent({ kill: true });
    const { lxcfs } = await hostFacts();
    assert.equal(lxcfs.running, true, lxcfs.reason ?? '');
    assert.match(await readFile(LXCFS_MEMINFO, 'utf8'), /^MemTotal:/);
  });
});
