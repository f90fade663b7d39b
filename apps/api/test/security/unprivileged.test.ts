import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import type { HostFacts, Instance, Operation, Task } from '@berth/contracts';
import { startStack, type Stack } from '../harness.js';
import {
  assertCorePatternUnwritable,
  exec,
  hostIds,
  initPid,
  type ExecReply,
} from './container-checks.js';

const startAndWait = async (stack: Stack, id: string) => {
  const res = await stack.call<{ task: Task }>(
    'POST',
    `/api/v1/instances/${id}/actions/start?sync=true`,
  );
  assert.equal(res.body.task?.status, 'succeeded', JSON.stringify(res.body));
};

const agentCall = async <T>(stack: Stack, method: string, url: string, body?: unknown) => {
  const res = await fetch(`${stack.agent.url}${url}`, {
    method,
    headers: {
      authorization: `Bearer ${stack.agent.token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
};

/** Starts an agent operation and waits for it to succeed; its result. */
const agentOperation = async (stack: Stack, url: string, body: unknown) => {
  const started = await agentCall<{ operation: Operation }>(stack, 'POST', url, body);
  assert.equal(started.status, 202, JSON.stringify(started.body));
  const done = await agentCall<Operation>(
    stack,
    'GET',
    `/v1/operations/${started.body.operation.id}?waitSeconds=120`,
  );
  assert.equal(done.body.status, 'succeeded', JSON.stringify(done.body.error));
  return done.body.result;
};

describe('containers are unprivileged unless asked otherwise', () => {
  let stack: Stack;
  let ct: Instance;

  before(async () => {
    stack = await startStack('secct');
    const res = await stack.call<{ task: Task }>('POST', '/api/v1/instances?sync=true', {
      template: 'busybox',
      name: `unpriv-${process.pid}`,
      diskSizeMiB: 64,
    });
    assert.equal(res.body.task?.status, 'succeeded', JSON.stringify(res.body));
    ct = res.body.task.result as Instance;
    await startAndWait(stack, ct.id);
  });
  after(async () => {
    await stack?.close();
  });

  test('the host facts say what confines containers here', async () => {
    const facts = await agentCall<HostFacts>(stack, 'GET', '/v1/facts');
    const apparmor = await readFile('/sys/module/apparmor/parameters/enabled', 'utf8').catch(
      () => 'N',
    );
    assert.deepEqual(facts.body.security, {
      userNamespaces: true,
      apparmor: apparmor.trim() === 'Y',
      seccomp: true,
    });
  });

  test('a new container is reported unprivileged', async () => {
    assert.equal(ct.privileged, false);
    const now = await stack.call<Instance>('GET', `/api/v1/instances/${ct.id}`);
    assert.equal(now.body.privileged, false);
  });

  test("its init runs as a mapped uid on the host, root's inside", async () => {
    const ids = await hostIds(initPid(stack, ct.ctid));
    assert.ok(ids.uid >= 100000, `init runs as uid ${ids.uid} on the host`);
    assert.equal(ids.gid, ids.uid);
    const inside = await exec(stack, ct.id, ['id', '-u']);
    assert.equal(inside.stdout.trim(), '0');
  });

  test("its root cannot write the host's kernel.core_pattern, even after remounting /proc/sys", async () => {
    await assertCorePatternUnwritable(stack, ct.id);
  });

  test('its files are owned by the mapped ids and look like root to the container', async () => {
    const inside = await exec(stack, ct.id, ['ls', '-ln', '/etc/hostname']);
    assert.match(inside.stdout, /^\S+\s+\d+\s+0\s+0\s/);
    const pid = initPid(stack, ct.ctid);
    const { uid } = await hostIds(pid);
    assert.equal((await stat(`/proc/${pid}/root/etc/hostname`)).uid, uid);
  });

  test('a container created privileged straight through the agent still works and says so', async () => {
    const priv = (await agentOperation(stack, '/v1/instances', {
      template: 'busybox',
      name: `priv-${process.pid}`,
      diskSizeMiB: 64,
      privileged: true,
    })) as Instance;
    assert.equal(priv.privileged, true);
    await agentOperation(stack, `/v1/instances/${priv.id}/actions/start`, {});
    assert.equal((await hostIds(initPid(stack, priv.ctid))).uid, 0);
    const answer = await agentCall<ExecReply>(stack, 'POST', `/v1/instances/${priv.id}/exec`, {
      command: ['id', '-u'],
    });
    assert.equal(answer.body.stdout.trim(), '0');
    const listed = await agentCall<Instance>(stack, 'GET', `/v1/instances/${priv.id}`);
    assert.equal(listed.body.privileged, true);
  });
});
