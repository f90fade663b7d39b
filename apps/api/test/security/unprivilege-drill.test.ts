import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import type { ErrorBody, Instance, Task } from '@berth/contracts';
import { startStack, waitTask, type Stack } from '../harness.js';
import { createInstance, loopDevicesUnder, workMountsOf } from '../fault-drills/drill-checks.js';

let stack: Stack;

before(async () => {
  stack = await startStack('fd-unpriv');
});
after(async () => {
  await stack?.close();
});

// The walk cannot be undone (a shifted id looks like any other), so the restarted agent
// finishes it from the journal, capabilities listed before the walk included.
test('a conversion killed while shifting ids is finished by the next agent start', async () => {
  const ct: Instance = await createInstance(stack, {
    template: 'busybox',
    name: 'half-shifted',
    diskSizeMiB: 64,
    privileged: true,
  });
  await stack.restartAgent({ env: { BERTH_AGENT_FAILPOINT: 'ct.unprivilege.shift' } });
  const res = await stack.call<{ task: Task }>('POST', `/api/v1/instances/${ct.id}/unprivilege`);
  assert.equal(res.status, 202, JSON.stringify(res.body));
  const { signal } = await stack.agent.exited;
  assert.equal(signal, 'SIGKILL', 'the agent should have stopped itself at ct.unprivilege.shift');
  await stack.restartAgent({ env: {} });

  const task = await waitTask(stack, res.body.task.id);
  assert.equal(task.status, 'failed');
  assert.match(
    task.error?.message ?? '',
    /interrupted by an agent restart at ct\.unprivilege\.shift; finished: .* unprivileged/,
  );
  assert.deepEqual(workMountsOf(stack.agent.dataDir), [], 'work mounts');
  assert.deepEqual(loopDevicesUnder(stack.agent.dataDir), [], 'loop devices');
  const now = await stack.call<Instance>('GET', `/api/v1/instances/${ct.id}`);
  assert.equal(now.body.privileged, false);

  const started = await stack.call<{ task: Task }>(
    'POST',
    `/api/v1/instances/${ct.id}/actions/start?sync=true`,
  );
  assert.equal(started.body.task.status, 'succeeded', JSON.stringify(started.body.task.error));
  const pid = execFileSync('lxc-info', [
    '-P',
    `${stack.agent.dataDir}/lxc`,
    '-n',
    String(ct.ctid),
    '-p',
    '-H',
  ])
    .toString()
    .trim();
  const uid = Number(/^Uid:\s+(\d+)/m.exec(await readFile(`/proc/${pid}/status`, 'utf8'))?.[1]);
  assert.ok(uid >= 100000, `init runs as uid ${uid} on the host`);
  const again = await stack.call<ErrorBody>('POST', `/api/v1/instances/${ct.id}/unprivilege`);
  assert.equal(again.status, 409);
});
