import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import {
  TASK_LOG_PAGE_MAX,
  type ContainerUpdates,
  type ContainerUpdatesStarted,
  type Instance,
  type Task,
  type TaskLog,
} from '@berth/contracts';
import { startStack, waitTask, type Stack } from '../harness.js';

type TaskReply = { task: Task };

/** The host's IPv4 name servers, as a create's dns takes them. */
const hostNameservers = () =>
  [...readFileSync('/etc/resolv.conf', 'utf8').matchAll(/^nameserver\s+(\d+\.\d+\.\d+\.\d+)/gm)]
    .map((m) => m[1]!)
    .filter((ip) => !ip.startsWith('127.'))
    .slice(0, 3);
type ErrorReply = { error: { code: string; message: string } };

/**
 * Packages inside a real debian-12 container, from the archive the template was built from
 * (deb.debian.org): listed with apt inside, then upgraded through the by-tag route, with apt's
 * output in the task log. A container without a route out answers 503 saying why.
 */
describe('packages inside a debian-12 container: list, update by tag, the log', () => {
  let stack: Stack;
  let ct: Instance;

  before(async () => {
    stack = await startStack('ctupd');
    const res = await stack.call<TaskReply>('POST', '/api/v1/instances?sync=true', {
      template: 'debian-12',
      name: `upd-${process.pid}`,
      diskSizeMiB: 1024,
      tags: ['upd'],
      // With no DNS servers given a container resolves nothing: the host's own are passed in.
      dns: hostNameservers(),
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    ct = res.body.task.result as Instance;
    const started = await stack.call('POST', `/api/v1/instances/${ct.id}/actions/start?sync=true`);
    assert.equal(started.status, 200, JSON.stringify(started.body));
    // Until boot ends systemd mounts a fresh /tmp, under apt's signature check if it runs then.
    await stack.call('POST', `/api/v1/instances/${ct.id}/exec`, {
      command: ['systemctl', 'is-system-running', '--wait'],
      timeoutSeconds: 120,
    });
    // The security suite has packages newer than the release the template installed, so there
    // is something to update. Templates built since it was added to their sources have it; an
    // older cached one gets it here.
    const added = await stack.call<{ exitCode: number }>(
      'POST',
      `/api/v1/instances/${ct.id}/exec`,
      {
        command: [
          'sh',
          '-c',
          'grep -q bookworm-security /etc/apt/sources.list || echo "deb http://deb.debian.org/debian-security bookworm-security main" >> /etc/apt/sources.list',
        ],
      },
    );
    assert.equal(added.body.exitCode, 0, JSON.stringify(added.body));
  });
  after(async () => {
    if (ct) await stack.call('DELETE', `/api/v1/instances/${ct.id}?force=true&sync=true`);
    await stack?.close();
  });

  test('apt inside lists the upgradable packages (or says why it cannot reach the archive)', async () => {
    const res = await stack.call<ContainerUpdates & ErrorReply>(
      'GET',
      `/api/v1/instances/${ct.id}/updates`,
    );
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.instanceId, ct.id);
    for (const p of res.body.packages) assert.ok(p.name && p.from && p.to, JSON.stringify(p));
    assert.ok(
      res.body.packages.some((p) => p.security),
      'the security suite has updates for a point release',
    );
    console.log(`# ${res.body.packages.length} upgradable inside the container`);
  });

  test('the agent killed in the middle: the task fails saying to apply again, which works', async () => {
    await stack.restartAgent({ env: { BERTH_AGENT_FAILPOINT: 'ct.upgrade.apply' } });
    const res = await stack.call<TaskReply>('POST', `/api/v1/instances/${ct.id}/updates/apply`);
    assert.equal(res.status, 202, JSON.stringify(res.body));
    const { signal } = await stack.agent.exited;
    assert.equal(signal, 'SIGKILL');
    await stack.restartAgent({ env: {} });
    const done = await waitTask(stack, res.body.task.id);
    assert.equal(done.status, 'failed');
    assert.match(
      done.error!.message,
      /interrupted by an agent restart at ct\.upgrade\.apply; .*apply again, which first finishes what dpkg left/,
    );
  });

  test('the tag route updates it as a task; the log has apt-get upgrade; nothing is left after', async () => {
    const res = await stack.call<ContainerUpdatesStarted>('POST', '/api/v1/updates/containers', {
      tag: 'upd',
    });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    assert.deepEqual(res.body.skipped, []);
    assert.equal(res.body.tasks.length, 1);
    const done = await waitTask(stack, res.body.tasks[0]!.id);
    assert.equal(done.status, 'succeeded', JSON.stringify(done.error));
    assert.equal(done.kind, 'instance.upgrade');
    const log = (
      await stack.call<TaskLog>('GET', `/api/v1/tasks/${done.id}/log?limit=${TASK_LOG_PAGE_MAX}`)
    ).body;
    const commands = log.items.flatMap((l) => (l.command ? [l.command.args.join(' ')] : []));
    assert.ok(
      commands.some((c) => /apt-get -y .*upgrade$/.test(c)),
      commands.join('\n'),
    );
    assert.ok(log.items.some((l) => /^[1-9]\d* upgraded, \d+ newly installed/.test(l.message)));
    assert.ok(
      log.items.some((l) => /^Setting up /.test(l.message)),
      'apt’s own lines are logged',
    );
    const after = await stack.call<ContainerUpdates>('GET', `/api/v1/instances/${ct.id}/updates`);
    assert.deepEqual(after.body.packages, [], 'everything upgradable was upgraded');
  });

  test('a stopped container is refused with a reason; a busybox one has no apt', async () => {
    await stack.call('POST', `/api/v1/instances/${ct.id}/actions/stop?sync=true`, { force: true });
    const res = await stack.call<ErrorReply>('GET', `/api/v1/instances/${ct.id}/updates`);
    assert.ok(res.status >= 400 && res.status < 500, JSON.stringify(res.body));
    const bb = await stack.call<TaskReply>('POST', '/api/v1/instances?sync=true', {
      template: 'busybox',
      name: `updbb-${process.pid}`,
    });
    const box = bb.body.task.result as Instance;
    await stack.call('POST', `/api/v1/instances/${box.id}/actions/start?sync=true`);
    const none = await stack.call<ErrorReply>('GET', `/api/v1/instances/${box.id}/updates`);
    assert.equal(none.status, 409, JSON.stringify(none.body));
    assert.match(
      none.body.error.message,
      /has no apt-get: package updates need a Debian container/,
    );
    await stack.call('DELETE', `/api/v1/instances/${box.id}?force=true&sync=true`);
  });
});
