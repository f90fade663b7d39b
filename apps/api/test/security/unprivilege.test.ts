import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ErrorBody, Instance, Task } from '@berth/contracts';
import { startStack, type Stack } from '../harness.js';
import { assertCorePatternUnwritable, exec, hostIds, initPid } from './container-checks.js';
import { createInstance } from '../fault-drills/drill-checks.js';

const act = async (stack: Stack, id: string, action: string) => {
  const res = await stack.call<{ task: Task }>(
    'POST',
    `/api/v1/instances/${id}/actions/${action}?sync=true`,
    { force: true },
  );
  assert.equal(res.body.task?.status, 'succeeded', JSON.stringify(res.body));
};

/** The host's uid of the container's init. */
const initUid = async (stack: Stack, ctid: number | null) =>
  (await hostIds(initPid(stack, ctid))).uid;

describe('a privileged container made unprivileged', () => {
  let stack: Stack;
  let ct: Instance;

  before(async () => {
    stack = await startStack('unpriv-cv');
    ct = await createInstance(stack, {
      template: 'busybox',
      name: `conv-${process.pid}`,
      diskSizeMiB: 64,
      privileged: true,
    });
    assert.equal(ct.privileged, true);
    await act(stack, ct.id, 'start');
    assert.equal(await initUid(stack, ct.ctid), 0, 'privileged: init is root on the host');
    // A file made by root while privileged: it must still be root's (the mapped one) after.
    await exec(stack, ct.id, ['sh', '-c', 'echo kept > /root/marker && chmod 4755 /root/marker']);
  });
  after(async () => {
    await stack?.close();
  });

  test('is refused while the container runs, saying why', async () => {
    const res = await stack.call<ErrorBody>('POST', `/api/v1/instances/${ct.id}/unprivilege`);
    assert.equal(res.status, 409, JSON.stringify(res.body));
    assert.match(res.body.error.message, /running; stop it before making it unprivileged/);
  });

  test('once stopped it converts, starts, and its root is no longer the host root', async () => {
    await act(stack, ct.id, 'stop');
    const res = await stack.call<{ task: Task }>(
      'POST',
      `/api/v1/instances/${ct.id}/unprivilege?sync=true`,
    );
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.task.status, 'succeeded', JSON.stringify(res.body.task.error));
    assert.equal((res.body.task.result as Instance).privileged, false);
    const now = await stack.call<Instance>('GET', `/api/v1/instances/${ct.id}`);
    assert.equal(now.body.privileged, false);

    await act(stack, ct.id, 'start');
    const uid = await initUid(stack, ct.ctid);
    assert.ok(uid >= 100000, `init runs as uid ${uid} on the host`);
    assert.equal((await exec(stack, ct.id, ['id', '-u'])).stdout.trim(), '0');
    const marker = await exec(stack, ct.id, ['ls', '-ln', '/root/marker']);
    assert.match(marker.stdout, /^-rwsr-xr-x\s+\d+\s+0\s+0\s/, 'owner and setuid kept');
    assert.equal((await exec(stack, ct.id, ['cat', '/root/marker'])).stdout, 'kept\n');

    await assertCorePatternUnwritable(stack, ct.id);
  });

  test('a second conversion is a 409: it is unprivileged already', async () => {
    await act(stack, ct.id, 'stop');
    const res = await stack.call<ErrorBody>('POST', `/api/v1/instances/${ct.id}/unprivilege`);
    assert.equal(res.status, 409, JSON.stringify(res.body));
    assert.match(res.body.error.message, /unprivileged already/);
  });
});
