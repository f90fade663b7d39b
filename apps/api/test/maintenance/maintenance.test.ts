import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Instance, Task } from '@berth/contracts';
import { startStack, waitTask, type Stack } from '../harness.js';
import { loopDevicesUnder } from '../fault-drills/drill-checks.js';

type TaskReply = { task: Task };
type ErrorReply = { error: { code: string; message: string; issues?: Array<{ path: string }> } };

/**
 * Container maintenance on the real stack (busybox on the dir pool): rename running and
 * stopped, disable/enable, reinstall keeping /root, and the agent killed in the middle of a
 * reinstall before and at its swap.
 */
describe('container maintenance: rename, disable, reinstall', () => {
  let stack: Stack;

  const call = <T>(method: string, url: string, body?: unknown) =>
    stack.call<T & ErrorReply>(method, url, body);
  const task = async (method: string, url: string, body?: unknown) => {
    const res = await call<TaskReply>(method, url, body);
    assert.ok(res.status < 300, `${method} ${url}: ${JSON.stringify(res.body)}`);
    return res.body.task;
  };
  const ok = async (method: string, url: string, body?: unknown) => {
    const t = await task(method, `${url}?sync=true`, body);
    assert.equal(t.status, 'succeeded', JSON.stringify(t.error));
    return t;
  };
  const create = async (name: string): Promise<Instance> =>
    (await ok('POST', '/api/v1/instances', { template: 'busybox', name, diskSizeMiB: 64 }))
      .result as Instance;
  const get = async (id: string) => (await call<Instance>('GET', `/api/v1/instances/${id}`)).body;
  const start = (id: string) => ok('POST', `/api/v1/instances/${id}/actions/start`);
  const stop = (id: string) =>
    ok('POST', `/api/v1/instances/${id}/actions/stop`, { timeoutSeconds: 5 });
  const sh = async (id: string, script: string) => {
    const res = await call<{ exitCode: number; stdout: string; stderr: string }>(
      'POST',
      `/api/v1/instances/${id}/exec`,
      { command: ['sh', '-c', script], timeoutSeconds: 60 },
    );
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.exitCode, 0, res.body.stderr);
    return res.body.stdout.trim();
  };

  before(async () => {
    stack = await startStack('maint');
  });
  after(async () => {
    if (!stack) return;
    const dataDir = stack.agent.dataDir;
    await stack.close();
    assert.deepEqual(loopDevicesUnder(dataDir), [], 'loop devices left');
  });

  test('rename: running (the live hostname too) and stopped; a taken name is a 409, bad input a 400', async () => {
    const ct = await create('alpha');
    const other = await create('beta');
    await start(ct.id);
    await sh(ct.id, 'echo "10.9.9.9 kept-entry" >> /etc/hosts');

    const res = await call<Instance>('POST', `/api/v1/instances/${ct.id}/rename`, {
      name: 'gamma',
      hostname: 'gamma.lab',
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(
      [res.body.name, res.body.hostname, res.body.state],
      ['gamma', 'gamma.lab', 'running'],
    );
    assert.equal(await sh(ct.id, 'hostname'), 'gamma.lab');
    assert.equal(await sh(ct.id, 'cat /etc/hostname'), 'gamma.lab');
    const hosts = await sh(ct.id, 'cat /etc/hosts');
    assert.match(hosts, /^127\.0\.1\.1\tgamma\.lab\tgamma$/m);
    assert.match(hosts, /kept-entry/, 'the other lines of /etc/hosts stay');
    assert.doesNotMatch(hosts, /alpha/);

    const clash = await call('POST', `/api/v1/instances/${ct.id}/rename`, { name: 'BETA' });
    assert.equal(clash.status, 409, JSON.stringify(clash.body));
    assert.match(clash.body.error.message, /BETA/);
    const bad = await call('POST', `/api/v1/instances/${ct.id}/rename`, {
      name: 'ok',
      hostname: '-bad-',
    });
    assert.equal(bad.status, 400);
    assert.deepEqual(
      bad.body.error.issues?.map((i) => i.path),
      ['hostname'],
    );
    assert.equal((await get(ct.id)).name, 'gamma', 'nothing changed');

    // Stopped: written into the image; a symlink the container planted is replaced, never
    // followed to the host.
    const canary = path.join(stack.dir, 'canary');
    writeFileSync(canary, 'host file\n');
    await sh(ct.id, `ln -sf ${canary} /etc/hostname`);
    await stop(ct.id);
    const renamed = await call<Instance>('POST', `/api/v1/instances/${ct.id}/rename`, {
      name: 'delta',
      hostname: 'delta',
    });
    assert.equal(renamed.status, 200, JSON.stringify(renamed.body));
    assert.equal(readFileSync(canary, 'utf8'), 'host file\n', 'the host file is untouched');
    await start(ct.id);
    assert.equal(await sh(ct.id, 'hostname'), 'delta');
    assert.equal(await sh(ct.id, 'cat /etc/hostname'), 'delta');
    assert.equal(await sh(ct.id, 'test -L /etc/hostname || echo regular'), 'regular');
    // Same name in another case is the instance's own.
    const recase = await call<Instance>('POST', `/api/v1/instances/${ct.id}/rename`, {
      name: 'Delta',
    });
    assert.equal(recase.status, 200, JSON.stringify(recase.body));
    assert.equal(recase.body.hostname, 'delta', 'an omitted hostname is kept');
    rmSync(canary);
    await call('DELETE', `/api/v1/instances/${ct.id}?force=true&sync=true`);
    await call('DELETE', `/api/v1/instances/${other.id}?force=true&sync=true`);
  });

  test('disable: a disabled container keeps running, cannot be started once stopped (409 saying so), and starts again when enabled', async () => {
    const ct = await create('dis1');
    assert.equal(ct.disabled, false);
    assert.equal(ct.pool, 'default');
    await start(ct.id);
    const off = await call<Instance>('PUT', `/api/v1/instances/${ct.id}/disabled`, {
      disabled: true,
    });
    assert.equal(off.status, 200, JSON.stringify(off.body));
    assert.equal(off.body.disabled, true);
    assert.equal(off.body.state, 'running');
    const listed = (await call<{ items: Instance[] }>('GET', '/api/v1/instances')).body.items;
    assert.equal(listed.find((i) => i.id === ct.id)?.disabled, true);
    await stop(ct.id);
    const refused = await call('POST', `/api/v1/instances/${ct.id}/actions/start`);
    assert.equal(refused.status, 409, JSON.stringify(refused.body));
    assert.match(refused.body.error.message, /disabled/);
    assert.equal((await get(ct.id)).state, 'stopped');
    await call('PUT', `/api/v1/instances/${ct.id}/disabled`, { disabled: false });
    await start(ct.id);
    assert.equal((await get(ct.id)).state, 'running');
    await call('DELETE', `/api/v1/instances/${ct.id}?force=true&sync=true`);
  });

  test('reinstall: a fresh root filesystem from the template with the same CT ID, address and hostname, /root kept when asked', async () => {
    const ct = await create('re1');
    await start(ct.id);
    await sh(
      ct.id,
      'echo mine > /root/keep && mkdir -p /home/u && echo h > /home/u/f && echo x > /etc/marker',
    );
    const running = await call('POST', `/api/v1/instances/${ct.id}/reinstall`, {});
    assert.equal(running.status, 409, JSON.stringify(running.body));
    assert.match(running.body.error.message, /stop it/);
    await stop(ct.id);

    await ok('POST', `/api/v1/instances/${ct.id}/reinstall`, { keep: ['root'] });
    await start(ct.id);
    const after1 = await get(ct.id);
    assert.deepEqual([after1.ctid, after1.ips, after1.hostname], [ct.ctid, ct.ips, ct.hostname]);
    assert.equal(await sh(ct.id, 'cat /root/keep'), 'mine', '/root kept');
    assert.equal(await sh(ct.id, 'test -e /etc/marker || echo gone'), 'gone');
    assert.equal(await sh(ct.id, 'test -e /home/u || echo gone'), 'gone', '/home not asked for');
    assert.equal(await sh(ct.id, 'cat /etc/hostname'), ct.hostname);
    // Files the container writes after a reinstall are its root's (the id range stayed).
    await sh(ct.id, 'echo again > /root/again && mkdir -p /home/v && echo v > /home/v/f');
    await stop(ct.id);

    await ok('POST', `/api/v1/instances/${ct.id}/reinstall`, { keep: ['home'] });
    await start(ct.id);
    assert.equal(await sh(ct.id, 'cat /home/v/f'), 'v', '/home kept');
    assert.equal(await sh(ct.id, 'test -e /root/keep || echo gone'), 'gone');
    await call('DELETE', `/api/v1/instances/${ct.id}?force=true&sync=true`);
  });

  test('the agent killed in the middle of a reinstall leaves the old root filesystem or the new one', async () => {
    const ct = await create('re2');
    await start(ct.id);
    await sh(ct.id, 'echo mine > /root/keep && echo x > /etc/marker');
    await stop(ct.id);
    const image = path.join(stack.agent.dataDir, 'images', `${ct.ctid}.img`);

    const interrupted = async (failpoint: string) => {
      await stack.restartAgent({ env: { BERTH_AGENT_FAILPOINT: failpoint } });
      const res = await call<TaskReply>('POST', `/api/v1/instances/${ct.id}/reinstall`, {
        keep: ['root'],
      });
      assert.equal(res.status, 202, JSON.stringify(res.body));
      assert.equal((await stack.agent.exited).signal, 'SIGKILL', `killed at ${failpoint}`);
      await stack.restartAgent({ env: {} });
      const t = await waitTask(stack, res.body.task.id);
      assert.equal(t.status, 'failed');
      assert.ok(!existsSync(`${image}.reinstall`), 'no half-built image');
      assert.deepEqual(loopDevicesUnder(stack.agent.dataDir), [], 'no loop device left');
      return t.error?.message ?? '';
    };

    // Killed while both images are mounted and /root is being copied: the old one stays.
    assert.match(await interrupted('ct.reinstall.keep'), /rolled back: CT \d+ keeps its old root/);
    await start(ct.id);
    assert.equal(await sh(ct.id, 'cat /etc/marker'), 'x', 'the old filesystem');
    await stop(ct.id);

    // Killed at the swap: the new image is whole, the replay renames it in.
    assert.match(await interrupted('ct.reinstall.swap'), /finished: CT \d+ has its new root/);
    await start(ct.id);
    assert.equal(await sh(ct.id, 'test -e /etc/marker || echo gone'), 'gone', 'the new one');
    assert.equal(await sh(ct.id, 'cat /root/keep'), 'mine');
    await call('DELETE', `/api/v1/instances/${ct.id}?force=true&sync=true`);
  });
});
