import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Instance, Task } from '@berth/contracts';
import { startStack, waitTask, type Stack } from '../harness.js';
import {
  agentLeftovers,
  createInstance,
  deleteInstance,
  listDir,
  loopDevicesUnder,
  workMountsOf,
} from '../fault-drills/drill-checks.js';

let stack: Stack;

before(async () => {
  stack = await startStack('fd-shift');
});
after(async () => {
  await stack?.close();
});

// The id shift runs inside the mounted image: a kill there must unmount and roll back like
// one during the unpack, and free the id range with the CT ID.
test('a create killed while shifting ids is rolled back; the CT ID and id range are reused', async () => {
  const body = { template: 'busybox', name: 'shifty', ctid: 160, diskSizeMiB: 64 };
  await stack.restartAgent({ env: { BERTH_AGENT_FAILPOINT: 'ct.create.shift' } });
  const res = await stack.call<{ task: Task }>('POST', '/api/v1/instances', body);
  assert.equal(res.status, 202, JSON.stringify(res.body));
  const { signal } = await stack.agent.exited;
  assert.equal(signal, 'SIGKILL', 'the agent should have stopped itself at ct.create.shift');
  await stack.restartAgent({ env: {} });
  const task = await waitTask(stack, res.body.task.id);
  assert.equal(task.status, 'failed');
  assert.match(
    task.error?.message ?? '',
    /interrupted by an agent restart at ct\.create\.shift; rolled back/,
  );
  assert.deepEqual(loopDevicesUnder(stack.agent.dataDir), [], 'loop devices');
  assert.deepEqual(workMountsOf(stack.agent.dataDir), [], 'work mounts');
  assert.deepEqual(listDir(path.join(stack.agent.dataDir, 'images')), [], 'images');
  assert.deepEqual(await agentLeftovers(stack), []);

  const ct: Instance = await createInstance(stack, body);
  assert.equal(ct.ctid, 160);
  assert.equal(ct.privileged, false);
  await deleteInstance(stack, ct.id);
});
