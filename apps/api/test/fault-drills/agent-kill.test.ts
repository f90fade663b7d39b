import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { HostFacts, Instance, Task } from '@berth/contracts';
import { startStack, waitTask, type Stack } from '../harness.js';
import {
  agentLeftovers,
  createInstance,
  deleteInstance,
  listDir,
  loopDevicesUnder,
  workMountsOf,
} from './drill-checks.js';

type TaskReply = { task: Task };

/**
 * kill -9 of the agent at each step of a create, made exact by the agent's test-only
 * failpoint (BERTH_AGENT_FAILPOINT): the agent SIGKILLs itself once its journal records
 * that step. A new agent on the same data dir must leave nothing behind, answer the task
 * with what happened, and create the same CT ID again.
 */
describe('fault drill: the agent killed in the middle of a create', () => {
  let stack: Stack;
  const images = () => path.join(stack.agent.dataDir, 'images');
  const lxc = () => path.join(stack.agent.dataDir, 'lxc');

  before(async () => {
    stack = await startStack('fd-kill');
  });
  after(async () => {
    await stack?.close();
  });

  /** Starts a create under a failpoint, waits for the agent to kill itself, starts a clean one. */
  async function interruptedCreate(failpoint: string, body: object): Promise<Task> {
    await stack.restartAgent({ env: { BERTH_AGENT_FAILPOINT: failpoint } });
    const res = await stack.call<TaskReply>('POST', '/api/v1/instances', body);
    assert.equal(res.status, 202, JSON.stringify(res.body));
    const { signal } = await stack.agent.exited;
    assert.equal(signal, 'SIGKILL', `the agent should have stopped itself at ${failpoint}`);
    await stack.restartAgent({ env: {} });
    return waitTask(stack, res.body.task.id);
  }

  function assertNothingOnHost(): void {
    assert.deepEqual(loopDevicesUnder(stack.agent.dataDir), [], 'loop devices');
    assert.deepEqual(workMountsOf(stack.agent.dataDir), [], 'work mounts');
    assert.deepEqual(listDir(images()), [], 'images');
    assert.deepEqual(
      listDir(lxc()).filter((e) => /^\d+$/.test(e)),
      [],
      'LXC folders',
    );
  }

  for (const failpoint of ['ct.create.image', 'ct.create.unpack', 'ct.create.config']) {
    test(`container create killed at ${failpoint}: rolled back, CT ID reusable`, async () => {
      const body = { template: 'busybox', name: 'drill', ctid: 150, diskSizeMiB: 64 };
      const task = await interruptedCreate(failpoint, body);
      assert.equal(task.status, 'failed');
      assert.match(
        task.error?.message ?? '',
        new RegExp(
          `interrupted by an agent restart at ${failpoint.replace(/\./g, '\\.')}; rolled back`,
        ),
      );
      assertNothingOnHost();
      assert.deepEqual(await agentLeftovers(stack), []);
      const list = await stack.call<{ items: Instance[] }>('GET', '/api/v1/instances');
      assert.deepEqual(list.body.items, []);

      const ct = await createInstance(stack, body);
      assert.equal(ct.ctid, 150);
      await deleteInstance(stack, ct.id);
      assertNothingOnHost();
    });
  }

  for (const failpoint of ['vm.create.disks', 'vm.create.record']) {
    test(`VM create killed at ${failpoint}: rolled back`, async () => {
      const body = {
        kind: 'vm',
        name: 'drillvm',
        memoryMiB: 128,
        disks: [{ template: 'tiny-linux' }],
      };
      const task = await interruptedCreate(failpoint, body);
      assert.equal(task.status, 'failed');
      assert.match(
        task.error?.message ?? '',
        /interrupted by an agent restart at vm\.create\.\w+; rolled back/,
      );
      assert.deepEqual(listDir(path.join(stack.agent.dataDir, 'vms')), []);
      assert.deepEqual(await agentLeftovers(stack), []);

      const vm = await createInstance(stack, body);
      await deleteInstance(stack, vm.id);
    });
  }

  test('a stop killed half-way settles to what the host says', async () => {
    const ct = await createInstance(stack, {
      template: 'busybox',
      name: 'settler',
      diskSizeMiB: 64,
    });
    const started = await stack.call<TaskReply>(
      'POST',
      `/api/v1/instances/${ct.id}/actions/start?sync=true`,
    );
    assert.equal(started.body.task.status, 'succeeded');

    await stack.restartAgent({ env: { BERTH_AGENT_FAILPOINT: 'ct.stop' } });
    const stop = await stack.call<TaskReply>('POST', `/api/v1/instances/${ct.id}/actions/stop`);
    assert.equal((await stack.agent.exited).signal, 'SIGKILL');
    await stack.restartAgent({ env: {} });
    const task = await waitTask(stack, stop.body.task.id);
    assert.equal(task.status, 'failed');
    assert.match(
      task.error?.message ?? '',
      /interrupted by an agent restart at ct\.stop; the instance is running, as the host has it now/,
    );
    await deleteInstance(stack, ct.id);
    assertNothingOnHost();
  });

  test('remains nobody owns are quarantined at start, listed, deletable, never reused', async () => {
    // What an older agent killed mid-create left: an image and an LXC folder, no record.
    mkdirSync(images(), { recursive: true });
    writeFileSync(path.join(images(), '101.img'), 'half-made');
    mkdirSync(path.join(lxc(), '102'), { recursive: true });
    writeFileSync(path.join(lxc(), '102', 'config'), 'lxc.uts.name = 102\n');
    await stack.restartAgent({ kill: true });

    assertNothingOnHost();
    const leftovers = await agentLeftovers(stack);
    assert.deepEqual(leftovers.map((l) => l.kind).sort(), ['container-dir', 'container-image']);
    const facts = await fetch(`${stack.agent.url}/v1/facts`, {
      headers: { authorization: `Bearer ${stack.agent.token}` },
    }).then((r) => r.json() as Promise<HostFacts>);
    assert.equal(facts.leftovers.length, 2);

    const ct = await createInstance(stack, {
      template: 'busybox',
      name: 'after-leftovers',
      diskSizeMiB: 64,
    });
    assert.equal(ct.ctid, 101);
    await deleteInstance(stack, ct.id);

    for (const l of leftovers) {
      const res = await fetch(`${stack.agent.url}/v1/leftovers/${l.id}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${stack.agent.token}` },
      });
      assert.equal(res.status, 204);
    }
    assert.deepEqual(await agentLeftovers(stack), []);
    assert.deepEqual(listDir(path.join(stack.agent.dataDir, 'quarantine')), []);
  });
});
