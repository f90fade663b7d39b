import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statfsSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Instance, Pool, SnapshotList, Task } from '@berth/contracts';
import { startStack, waitTask, type Stack } from '../harness.js';
import { loopDevicesUnder, mountsUnder, workMountsOf } from '../fault-drills/drill-checks.js';

type TaskReply = { task: Task };
type ErrorReply = { error: { code: string; message: string; issues?: Array<{ path: string }> } };
const MB = 1024 * 1024;

/**
 * Storage pools on the real stack: a loop-backed btrfs pool the test makes through the API
 * (and deletes in its teardown), container snapshots and linked clones on it, the dir pool's
 * refusals, and the agent killed in the middle of a revert and of a clone.
 */
describe('storage pools, container snapshots and clones on a real btrfs pool', () => {
  let stack: Stack;
  const poolRoot = () => path.join(stack.agent.dataDir, 'pools', 'cow');

  const call = <T>(method: string, url: string, body?: unknown) =>
    stack.call<T & ErrorReply>(method, url, body);
  const task = async (method: string, url: string, body?: unknown) => {
    const res = await call<TaskReply>(method, url, body);
    assert.ok(res.status < 300, `${method} ${url}: ${JSON.stringify(res.body)}`);
    return res.body.task;
  };
  const create = async (body: object): Promise<Instance> => {
    const t = await task('POST', '/api/v1/instances?sync=true', body);
    assert.equal(t.status, 'succeeded', JSON.stringify(t.error));
    return t.result as Instance;
  };
  const start = async (id: string) => {
    const t = await task('POST', `/api/v1/instances/${id}/actions/start?sync=true`);
    assert.equal(t.status, 'succeeded', JSON.stringify(t.error));
  };
  const state = async (id: string) =>
    (await call<Instance>('GET', `/api/v1/instances/${id}`)).body.state;
  const sh = async (id: string, script: string) => {
    const res = await call<{ exitCode: number; stdout: string; stderr: string }>(
      'POST',
      `/api/v1/instances/${id}/exec`,
      { command: ['sh', '-c', script], timeoutSeconds: 120 },
    );
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.exitCode, 0, res.body.stderr);
    return res.body.stdout.trim();
  };
  const snapshots = async (id: string) =>
    (await call<SnapshotList>('GET', `/api/v1/instances/${id}/snapshots`)).body;
  const snap = async (id: string, name: string) => {
    const t = await task('POST', `/api/v1/instances/${id}/snapshots?sync=true`, { name });
    assert.equal(t.status, 'succeeded', JSON.stringify(t.error));
  };
  const pools = async () => (await call<{ items: Pool[] }>('GET', '/api/v1/pools')).body.items;
  /** Pool space in use once btrfs has committed what is written. */
  const poolUsed = () => {
    execFileSync('sync', ['-f', poolRoot()]);
    const s = statfsSync(poolRoot());
    return (s.blocks - s.bfree) * s.bsize;
  };

  before(async () => {
    stack = await startStack('pools');
    const res = await call<Pool>('POST', '/api/v1/pools', {
      name: 'cow',
      driver: 'btrfs',
      sizeMiB: 2048,
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.deepEqual(res.body.capabilities, { snapshots: true, linkedClones: true });
  });
  after(async () => {
    if (!stack) return;
    // The stack closes whatever the checks say: a failed check must not leave its agent running.
    try {
      const list = await call<{ items: Instance[] }>('GET', '/api/v1/instances');
      for (const i of list.body.items ?? []) {
        await call('DELETE', `/api/v1/instances/${i.id}?force=true&sync=true`);
      }
      await call('PUT', '/api/v1/pools/default/default');
      const gone = await call('DELETE', '/api/v1/pools/cow');
      assert.equal(gone.status, 204, JSON.stringify(gone.body));
      assert.deepEqual(mountsUnder(stack.agent.dataDir), [], 'mounts left');
      assert.deepEqual(loopDevicesUnder(stack.agent.dataDir), [], 'loop devices left');
    } finally {
      await stack.close();
    }
  });

  test('pools list with usage; bad names, clashes and unknown pools are 4xx', async () => {
    const list = await pools();
    const cow = list.find((p) => p.name === 'cow');
    assert.equal(list.find((p) => p.default)?.name, 'default');
    assert.equal(cow?.driver, 'btrfs');
    assert.equal(cow?.available, true);
    assert.ok((cow?.totalBytes ?? 0) > 1500 * MB && (cow?.freeBytes ?? 0) > 1000 * MB);
    assert.ok(existsSync(path.join(stack.agent.dataDir, 'pools', 'cow.btrfs')));
    const clash = await call('POST', '/api/v1/pools', {
      name: 'cow',
      driver: 'btrfs',
      sizeMiB: 256,
    });
    assert.equal(clash.status, 409);
    const bad = await call('POST', '/api/v1/pools', {
      name: '../x',
      driver: 'btrfs',
      sizeMiB: 256,
    });
    assert.equal(bad.status, 400);
    const noDev = await call('POST', '/api/v1/pools', {
      name: 'dev',
      driver: 'btrfs',
      device: '/dev/nonexistent',
    });
    assert.equal(noDev.status, 400);
    assert.deepEqual(
      noDev.body.error.issues?.map((i) => i.path),
      ['device'],
    );
    const unknown = await call('POST', '/api/v1/instances', {
      template: 'busybox',
      name: 'nowhere',
      pool: 'nope',
    });
    assert.equal(unknown.status, 400, JSON.stringify(unknown.body));
    assert.deepEqual(
      unknown.body.error.issues?.map((i) => i.path),
      ['pool'],
    );
    const missing = await call('PUT', '/api/v1/pools/nope/default');
    assert.equal(missing.status, 404);
  });

  test('a container on the dir pool cannot take snapshots: 409 naming btrfs', async () => {
    const ct = await create({ template: 'busybox', name: 'on-dir', diskSizeMiB: 64 });
    const list = await snapshots(ct.id);
    assert.equal(list.supported.snapshots, false);
    assert.match(list.supported.reason ?? '', /btrfs/);
    const res = await call('POST', `/api/v1/instances/${ct.id}/snapshots`, { name: 's1' });
    assert.equal(res.status, 409, JSON.stringify(res.body));
    assert.match(res.body.error.message, /btrfs/);
    const linked = await call('POST', `/api/v1/instances/${ct.id}/clone`, {
      name: 'nope',
      mode: 'linked',
    });
    assert.equal(linked.status, 409);
    assert.match(linked.body.error.message, /btrfs/);
    await call('DELETE', `/api/v1/instances/${ct.id}?force=true&sync=true`);
  });

  test('snapshot, change, revert a running container: the old content is back, it runs again; the tree branches', async () => {
    const ct = await create({ template: 'busybox', name: 'snappy', diskSizeMiB: 128, pool: 'cow' });
    assert.ok(existsSync(path.join(poolRoot(), `${ct.ctid}.img`)), 'the image is in the pool');
    await start(ct.id);
    await sh(ct.id, 'echo one > /root/file');
    await snap(ct.id, 's1');
    await sh(ct.id, 'echo two > /root/file');
    await snap(ct.id, 's2');
    await sh(ct.id, 'echo three > /root/file');

    const clash = await call('POST', `/api/v1/instances/${ct.id}/snapshots`, { name: 's1' });
    assert.equal(clash.status, 409);
    const badName = await call('POST', `/api/v1/instances/${ct.id}/snapshots`, { name: '-x' });
    assert.equal(badName.status, 400);
    const unknown = await call('POST', `/api/v1/instances/${ct.id}/snapshots/nope/revert`, {
      stopRunning: true,
    });
    assert.equal(unknown.status, 404);
    const unconfirmed = await call('POST', `/api/v1/instances/${ct.id}/snapshots/s1/revert`, {});
    assert.equal(unconfirmed.status, 409, JSON.stringify(unconfirmed.body));
    assert.match(unconfirmed.body.error.message, /stopRunning/);
    assert.equal(await sh(ct.id, 'cat /root/file'), 'three', 'nothing changed by a refusal');

    const revert = await task('POST', `/api/v1/instances/${ct.id}/snapshots/s1/revert?sync=true`, {
      stopRunning: true,
    });
    assert.equal(revert.status, 'succeeded', JSON.stringify(revert.error));
    assert.equal(await state(ct.id), 'running');
    assert.equal(await sh(ct.id, 'cat /root/file'), 'one');

    await snap(ct.id, 's3');
    const tree = await snapshots(ct.id);
    assert.equal(tree.current, 's3');
    assert.deepEqual(
      tree.items.map((s) => [s.name, s.parent]),
      [
        ['s1', null],
        ['s2', 's1'],
        ['s3', 's1'],
      ],
    );
    // btrfs tells each snapshot's own bytes (those it no longer shares with the live image).
    for (const s of tree.items) assert.equal(typeof s.sizeBytes, 'number', JSON.stringify(s));
    // A full clone of a snapshot, into the dir pool: the snapshot's files, not today's.
    const fromSnap = await task('POST', `/api/v1/instances/${ct.id}/clone?sync=true`, {
      name: 'from-s2',
      mode: 'full',
      snapshot: 's2',
      pool: 'default',
    });
    assert.equal(fromSnap.status, 'succeeded', JSON.stringify(fromSnap.error));
    const copy = fromSnap.result as Instance;
    await start(copy.id);
    assert.equal(await sh(copy.id, 'cat /root/file'), 'two');
    await call('DELETE', `/api/v1/instances/${copy.id}?force=true&sync=true`);
    const noSnap = await call('POST', `/api/v1/instances/${ct.id}/clone`, {
      name: 'nope',
      mode: 'linked',
      snapshot: 'missing',
    });
    assert.equal(noSnap.status, 404);

    const del = await task('DELETE', `/api/v1/instances/${ct.id}/snapshots/s1?sync=true`);
    assert.equal(del.status, 'succeeded', JSON.stringify(del.error));
    assert.deepEqual(
      (await snapshots(ct.id)).items.map((s) => [s.name, s.parent]),
      [
        ['s2', null],
        ['s3', null],
      ],
    );
    assert.deepEqual(readdirSync(path.join(poolRoot(), 'snapshots', String(ct.ctid))).sort(), [
      's2.img',
      's3.img',
    ]);
    const stopped = await task('POST', `/api/v1/instances/${ct.id}/actions/stop?sync=true`);
    assert.equal(stopped.status, 'succeeded');
    const revertStopped = await task(
      'POST',
      `/api/v1/instances/${ct.id}/snapshots/s2/revert?sync=true`,
      {},
    );
    assert.equal(revertStopped.status, 'succeeded', JSON.stringify(revertStopped.error));
    assert.equal(await state(ct.id), 'stopped', 'a stopped container stays stopped');
    await call('DELETE', `/api/v1/instances/${ct.id}?force=true&sync=true`);
    assert.ok(!existsSync(path.join(poolRoot(), 'snapshots', String(ct.ctid))), 'snapshots go too');
  });

  test('a linked clone of a running container with 200 MB: under 1 s, under 5 MB of pool, its own MAC and hostname', async () => {
    const src = await create({ template: 'busybox', name: 'big', diskSizeMiB: 512, pool: 'cow' });
    await start(src.id);
    await sh(src.id, 'dd if=/dev/urandom of=/root/data bs=1M count=200 2>/dev/null; sync');
    const usedBefore = poolUsed();
    const t0 = Date.now();
    const clone = await task('POST', `/api/v1/instances/${src.id}/clone?sync=true`, {
      name: 'big-clone',
      mode: 'linked',
    });
    const ms = Date.now() - t0;
    assert.equal(clone.status, 'succeeded', JSON.stringify(clone.error));
    const grew = poolUsed() - usedBefore;
    assert.ok(ms < 1000, `the linked clone took ${ms} ms`);
    assert.ok(grew < 5 * MB, `the clone took ${(grew / MB).toFixed(1)} MB of the pool`);
    assert.equal(await state(src.id), 'running', 'the source runs on (thawed)');

    const copy = clone.result as Instance;
    assert.notEqual(copy.ctid, src.ctid);
    await start(copy.id);
    assert.equal(await sh(copy.id, 'cat /etc/hostname'), 'big-clone');
    assert.equal(await sh(copy.id, 'hostname'), 'big-clone');
    assert.equal(await sh(copy.id, 'wc -c < /root/data'), String(200 * MB));
    assert.equal(await sh(copy.id, 'cat /etc/machine-id | wc -c'), '0');
    const mac = (id: string) => sh(id, 'cat /sys/class/net/eth0/address');
    assert.notEqual(await mac(copy.id), await mac(src.id));
    assert.notDeepEqual(copy.ips, src.ips);
    assert.equal(await sh(copy.id, 'id -u'), '0', 'root inside is root (ids moved to its range)');

    const full = await task('POST', `/api/v1/instances/${src.id}/clone?sync=true`, {
      name: 'big-full',
      mode: 'full',
      pool: 'default',
    });
    assert.equal(full.status, 'succeeded', JSON.stringify(full.error));

    const inUse = await call('DELETE', '/api/v1/pools/cow');
    assert.equal(inUse.status, 409);
    assert.match(inUse.body.error.message, /big-clone/);
    assert.match(inUse.body.error.message, /big\b/);
    const cow = (await pools()).find((p) => p.name === 'cow');
    assert.deepEqual(cow?.instances.map((i) => i.name).sort(), ['big', 'big-clone']);
    for (const id of [copy.id, src.id, (full.result as Instance).id]) {
      await call('DELETE', `/api/v1/instances/${id}?force=true&sync=true`);
    }
  });

  test('a stopped container moves to another pool, its files with it', async () => {
    const ct = await create({ template: 'busybox', name: 'mover', diskSizeMiB: 64, pool: 'cow' });
    await start(ct.id);
    await sh(ct.id, 'echo moved > /root/file');
    const running = await call('POST', `/api/v1/instances/${ct.id}/move`, { pool: 'default' });
    assert.equal(running.status, 409, JSON.stringify(running.body));
    const stop = await task('POST', `/api/v1/instances/${ct.id}/actions/stop?sync=true`);
    assert.equal(stop.status, 'succeeded');
    const same = await call('POST', `/api/v1/instances/${ct.id}/move`, { pool: 'cow' });
    assert.equal(same.status, 409);
    const unknown = await call('POST', `/api/v1/instances/${ct.id}/move`, { pool: 'nope' });
    assert.equal(unknown.status, 400);
    const moved = await task('POST', `/api/v1/instances/${ct.id}/move?sync=true`, {
      pool: 'default',
    });
    assert.equal(moved.status, 'succeeded', JSON.stringify(moved.error));
    assert.ok(!existsSync(path.join(poolRoot(), `${ct.ctid}.img`)), 'the old image is gone');
    assert.ok(existsSync(path.join(stack.agent.dataDir, 'images', `${ct.ctid}.img`)));
    const dir = (await pools()).find((p) => p.name === 'default');
    assert.ok(dir?.instances.some((i) => i.id === ct.id));
    await start(ct.id);
    assert.equal(await sh(ct.id, 'cat /root/file'), 'moved');
    await call('DELETE', `/api/v1/instances/${ct.id}?force=true&sync=true`);
  });

  test('the agent killed in the middle of a revert, a clone or a move leaves the old state or the new one', async () => {
    const ct = await create({ template: 'busybox', name: 'crashy', diskSizeMiB: 64, pool: 'cow' });
    await start(ct.id);
    await sh(ct.id, 'echo old > /root/file');
    await snap(ct.id, 'base');
    await sh(ct.id, 'echo new > /root/file');

    const interrupted = async (failpoint: string, url: string, body: unknown) => {
      await stack.restartAgent({ env: { BERTH_AGENT_FAILPOINT: failpoint } });
      const res = await call<TaskReply>('POST', url, body);
      assert.equal(res.status, 202, JSON.stringify(res.body));
      assert.equal((await stack.agent.exited).signal, 'SIGKILL', `killed at ${failpoint}`);
      await stack.restartAgent({ env: {} });
      return waitTask(stack, res.body.task.id);
    };

    // A take killed while the container is frozen: thawed at start, no snapshot.
    let t = await interrupted('ct.snapshot.frozen', `/api/v1/instances/${ct.id}/snapshots`, {
      name: 'frozen',
    });
    assert.equal(t.status, 'failed');
    assert.match(t.error?.message ?? '', /rolled back: CT \d+ has no snapshot frozen/);
    assert.equal(await state(ct.id), 'running', 'thawed by the replay');
    assert.deepEqual(
      (await snapshots(ct.id)).items.map((s) => s.name),
      ['base'],
    );

    // Before the swap: the old files stay.
    t = await interrupted(
      'ct.snapshot.revert.stop',
      `/api/v1/instances/${ct.id}/snapshots/base/revert`,
      {
        stopRunning: true,
      },
    );
    assert.equal(t.status, 'failed');
    assert.match(t.error?.message ?? '', /nothing was changed/);
    if ((await state(ct.id)) !== 'running') await start(ct.id);
    assert.equal(await sh(ct.id, 'cat /root/file'), 'new');

    // At the swap: the new image is written, the replay finishes the revert.
    t = await interrupted(
      'ct.snapshot.revert.swap',
      `/api/v1/instances/${ct.id}/snapshots/base/revert`,
      {
        stopRunning: true,
      },
    );
    assert.equal(t.status, 'failed');
    assert.match(t.error?.message ?? '', /finished: CT \d+ is back at snapshot base/);
    assert.equal((await snapshots(ct.id)).current, 'base');
    await start(ct.id);
    assert.equal(await sh(ct.id, 'cat /root/file'), 'old');
    assert.ok(!existsSync(path.join(poolRoot(), `${ct.ctid}.img.revert`)), 'no temp image');

    // A clone killed while it customizes its copy: rolled back, nothing of it remains.
    t = await interrupted('ct.create.unpack', `/api/v1/instances/${ct.id}/clone`, {
      name: 'half',
      mode: 'linked',
    });
    assert.equal(t.status, 'failed');
    assert.match(t.error?.message ?? '', /rolled back/);
    const names = (await call<{ items: Instance[] }>('GET', '/api/v1/instances')).body.items.map(
      (i) => i.name,
    );
    assert.deepEqual(names, ['crashy']);
    assert.deepEqual(
      readdirSync(poolRoot()).filter((f) => f.endsWith('.img')),
      [`${ct.ctid}.img`],
    );
    assert.deepEqual(workMountsOf(stack.agent.dataDir), []);
    assert.equal(await state(ct.id), 'running', 'the source was thawed');

    // A move killed after its copy, before the record names the new pool: it stays put.
    const stopped = await task('POST', `/api/v1/instances/${ct.id}/actions/stop?sync=true`);
    assert.equal(stopped.status, 'succeeded');
    await task('DELETE', `/api/v1/instances/${ct.id}/snapshots/base?sync=true`);
    t = await interrupted('ct.move.commit', `/api/v1/instances/${ct.id}/move`, { pool: 'default' });
    assert.equal(t.status, 'failed');
    assert.match(t.error?.message ?? '', /rolled back: CT \d+ stays where it was/);
    assert.ok(existsSync(path.join(poolRoot(), `${ct.ctid}.img`)));
    assert.ok(!existsSync(path.join(stack.agent.dataDir, 'images', `${ct.ctid}.img`)));
    await start(ct.id);
    assert.equal(await sh(ct.id, 'cat /root/file'), 'old');
    await call('DELETE', `/api/v1/instances/${ct.id}?force=true&sync=true`);
  });
});
