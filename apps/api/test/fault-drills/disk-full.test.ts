import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ErrorBody, Task } from '@berth/contracts';
import { startStack, type Stack } from '../harness.js';
import { until } from '../wait.js';
import {
  agentLeftovers,
  createInstance,
  deleteInstance,
  listDir,
  loopDevicesUnder,
} from './drill-checks.js';

type TaskReply = { task: Task };
const MB = 1024 * 1024;

const sh = (cmd: string, args: string[]) => execFileSync(cmd, args, { stdio: 'pipe' });
const tryUnmount = (dir: string) => {
  try {
    sh('umount', [dir]);
    return true;
  } catch {
    return false;
  }
};

/**
 * The agent's data dir on a small loop-mounted ext4, filled by a filler file: creates,
 * builds and uploads get 507 with the numbers (or ENOSPC and the path when the disk fills
 * mid-way), nothing half-written stays, the agent keeps serving, and once space is freed
 * a create succeeds.
 */
describe('fault drill: the data disk is full', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'berth-fd-full-'));
  const mnt = path.join(root, 'mnt');
  const image = path.join(root, 'disk.img');
  const filler = path.join(mnt, 'filler');
  let stack: Stack;

  /** Fills the disk until only `leaveMB` remain. */
  const fillTo = (leaveMB: number) => {
    rmSync(filler, { force: true });
    const s = statfsSync(mnt);
    const size = s.bavail * s.bsize - leaveMB * MB;
    if (size > 0) sh('fallocate', ['-l', String(size), filler]);
  };
  const agentCall = (method: string, url: string, init: RequestInit = {}) =>
    fetch(`${stack.agent.url}${url}`, {
      ...init,
      method,
      headers: { authorization: `Bearer ${stack.agent.token}`, ...init.headers },
    });

  before(async () => {
    sh('truncate', ['-s', '64M', image]);
    sh('mkfs.ext4', ['-q', '-F', '-m', '0', image]);
    mkdirSync(mnt);
    sh('mount', ['-o', 'loop', image, mnt]);
    stack = await startStack('fd-full', { agentDataDir: path.join(mnt, 'agent') });
  });

  after(async () => {
    await stack?.close();
    await until('the data disk to unmount', () => tryUnmount(mnt), 10_000, 200).catch(() =>
      sh('umount', ['-l', mnt]),
    );
    rmSync(root, { recursive: true, force: true });
    assert.deepEqual(loopDevicesUnder(root), []);
  });

  test('a container create is refused with 507 and the numbers', async () => {
    fillTo(8);
    const res = await stack.call<ErrorBody>('POST', '/api/v1/instances', {
      template: 'busybox',
      name: 'full',
      diskSizeMiB: 64,
    });
    assert.equal(res.status, 507, JSON.stringify(res.body));
    assert.equal(res.body.error.code, 'insufficient_space');
    // Checked where the image goes: the default pool, the agent's images folder.
    assert.match(res.body.error.message, /needs ~\d+ MB on .*\/agent\/images, \d+ MB free/);
    assert.deepEqual(listDir(path.join(stack.agent.dataDir, 'images')), []);
  });

  test('an ISO upload is refused up front, or stopped at ENOSPC, leaving nothing', async () => {
    fillTo(8);
    const data = new Uint8Array(16 * MB).fill(7);
    data.set(Buffer.from('CD001'), 0x8001);
    const declared = await agentCall('PUT', '/v1/isos/big.iso', {
      headers: { 'content-type': 'application/octet-stream' },
      body: data,
    });
    assert.equal(declared.status, 507);
    assert.match(((await declared.json()) as ErrorBody).error.message, /needs ~\d+ MB .* free/);

    // Without a length the agent cannot know in advance: the disk fills mid-way.
    const streamed = await agentCall('PUT', '/v1/isos/big.iso', {
      headers: { 'content-type': 'application/octet-stream' },
      body: new Blob([data]).stream(),
      duplex: 'half',
    } as RequestInit);
    assert.equal(streamed.status, 507);
    const message = ((await streamed.json()) as ErrorBody).error.message;
    assert.match(message, /ENOSPC/);
    assert.match(message, /isos\/\.upload-/);
    assert.deepEqual(listDir(path.join(stack.agent.dataDir, 'isos')), []);
  });

  test('a template build is refused with 507, leaving no build folder', async () => {
    const templates = path.join(mnt, 'templates');
    await stack.restartAgent({ env: { BERTH_AGENT_TEMPLATE_DIR: templates } });
    try {
      fillTo(8);
      const res = await stack.call<TaskReply>('POST', '/api/v1/templates/busybox/build?sync=true');
      assert.equal(res.body.task.status, 'failed');
      assert.equal(res.body.task.error?.code, 'insufficient_space');
      assert.match(res.body.task.error?.message ?? '', /needs ~\d+ MB on .*templates, \d+ MB free/);
      assert.deepEqual(
        listDir(templates).filter((e) => e.startsWith('.build-')),
        [],
      );
    } finally {
      await stack.restartAgent({ env: {} });
    }
  });

  test('the agent is still serving, and a create succeeds once space is freed', async () => {
    assert.equal((await agentCall('GET', '/v1/facts')).status, 200);
    rmSync(filler, { force: true });
    const ct = await createInstance(stack, {
      template: 'busybox',
      name: 'roomy',
      diskSizeMiB: 64,
    });
    await deleteInstance(stack, ct.id);
    assert.deepEqual(await agentLeftovers(stack), []);
  });
});
