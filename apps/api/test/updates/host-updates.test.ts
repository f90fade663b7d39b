import assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  TASK_LOG_PAGE_MAX,
  type Host,
  type HostUpdates,
  type Task,
  type TaskLog,
} from '@berth/contracts';
import { startStack, waitTask, type Stack } from '../harness.js';

type TaskReply = { task: Task };
type ErrorReply = { error: { message: string } };

/**
 * Host updates on the real agent. Nothing is ever upgraded on this machine: the listing and
 * `apt-get update` are real, the apply runs real `apt-get -s upgrade` (simulate: changes
 * nothing), and the refusal and the kill use a stand-in apt-get (BERTH_AGENT_APT_GET) that
 * prints what an upgrade prints, slowly.
 */
describe('host updates on the real agent: listing, a simulated apply with its log, refusal, a kill', () => {
  let stack: Stack;
  let hostId: string;
  let slowApt: string;

  before(async () => {
    stack = await startStack('upd');
    hostId = (await stack.call<{ items: Host[] }>('GET', '/api/v1/hosts')).body.items[0]!.id;
    slowApt = path.join(stack.dir, 'slow-apt-get');
    writeFileSync(
      slowApt,
      [
        '#!/bin/sh',
        'echo "Reading package lists..."',
        'sleep 4',
        'echo "Unpacking fake (2.0) over (1.0) ..."',
        'echo "Setting up fake (2.0) ..."',
        '',
      ].join('\n'),
    );
    chmodSync(slowApt, 0o755);
  });
  after(async () => {
    await stack?.close();
  });

  const apply = (simulate: boolean) =>
    stack.call<TaskReply & ErrorReply>('POST', `/api/v1/hosts/${hostId}/updates/apply`, {
      simulate,
    });

  test("Berth's version and the host's upgradable packages, after apt-get update", async () => {
    const res = await stack.call<HostUpdates>(
      'GET',
      `/api/v1/hosts/${hostId}/updates?refresh=true`,
    );
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const u = res.body;
    assert.match(u.berthVersion, /^\d+\.\d+\.\d+/);
    assert.ok(u.checkedAt, 'the refresh time is kept');
    assert.equal(u.applying, null);
    // Whatever this host has pending: each with both versions, security ones flagged by origin.
    for (const p of u.packages) {
      assert.ok(p.name && p.from && p.to, JSON.stringify(p));
      assert.equal(
        p.security,
        p.origin.split(',').some((s) => s.endsWith('-security')),
      );
    }
    console.log(
      `# ${u.packages.length} upgradable, ${u.packages.filter((p) => p.security).length} security; refresh error: ${u.error ?? 'none'}`,
    );
  });

  test('a simulated apply runs apt-get -s upgrade as a task whose log carries apt’s output', async () => {
    const res = await apply(true);
    assert.equal(res.status, 202, JSON.stringify(res.body));
    const done = await waitTask(stack, res.body.task.id);
    assert.equal(done.status, 'succeeded', JSON.stringify(done.error));
    const result = done.result as { simulate: boolean; packages: number; remaining: number };
    assert.equal(result.simulate, true);
    assert.equal(result.remaining, result.packages, 'a simulation upgrades nothing');
    const log = (
      await stack.call<TaskLog>('GET', `/api/v1/tasks/${done.id}/log?limit=${TASK_LOG_PAGE_MAX}`)
    ).body;
    const text = log.items
      .map((l) => `${l.message} ${l.command ? [l.command.cmd, ...l.command.args].join(' ') : ''}`)
      .join('\n');
    assert.match(text, /apt-get -s .*upgrade/);
    if (result.packages > 0) assert.match(text, /^Inst \S+/m);
  });

  test('a second apply while one runs is refused with a 409 naming it', async () => {
    await stack.restartAgent({ env: { BERTH_AGENT_APT_GET: slowApt } });
    const first = await apply(false);
    assert.equal(first.status, 202, JSON.stringify(first.body));
    const second = await apply(true);
    assert.equal(second.status, 409, JSON.stringify(second.body));
    assert.match(second.body.error.message, /host\.upgrade is running on this host/);
    const refresh = await stack.call<ErrorReply>(
      'GET',
      `/api/v1/hosts/${hostId}/updates?refresh=true`,
    );
    assert.equal(refresh.status, 409, JSON.stringify(refresh.body));
    const done = await waitTask(stack, first.body.task.id);
    assert.equal(done.status, 'succeeded', JSON.stringify(done.error));
    const log = (
      await stack.call<TaskLog>('GET', `/api/v1/tasks/${done.id}/log?limit=${TASK_LOG_PAGE_MAX}`)
    ).body;
    assert.ok(log.items.some((l) => l.message === 'Setting up fake (2.0) ...'));
  });

  test('the agent killed in the middle: the task fails saying where, and a simulation changed nothing', async () => {
    await stack.restartAgent({
      env: { BERTH_AGENT_APT_GET: slowApt, BERTH_AGENT_FAILPOINT: 'host.upgrade.run' },
    });
    const res = await apply(true);
    assert.equal(res.status, 202, JSON.stringify(res.body));
    const { signal } = await stack.agent.exited;
    assert.equal(signal, 'SIGKILL');
    await stack.restartAgent({ env: {} });
    const done = await waitTask(stack, res.body.task.id);
    assert.equal(done.status, 'failed');
    assert.match(
      done.error!.message,
      /interrupted by an agent restart at host\.upgrade\.run; it was a simulation and changed nothing/,
    );
    // A new apply is not blocked by the one that died.
    const again = await apply(true);
    assert.equal(again.status, 202, JSON.stringify(again.body));
    assert.equal((await waitTask(stack, again.body.task.id)).status, 'succeeded');
  });
});
