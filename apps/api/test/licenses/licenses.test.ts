import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Host, Instance, LicenseDocument, LicensesOverview, Task } from '@berth/contracts';
import { startStack, type Stack } from '../harness.js';
import { issue } from './issue.js';

// The test key is trusted by the in-process API and, through the inherited environment, the agent.
process.env.BERTH_TRUST_TEST_LICENSES = '1';

type TaskReply = { task: Task };
type ErrorReply = { error: { code: string; message: string } };

describe('licenses on the real stack: the host license file, facts and the running-container limit', () => {
  let stack: Stack;
  let first: Instance;
  let second: Instance;
  const text = (d: LicenseDocument) => JSON.stringify(d);
  const local = async () =>
    (await stack.call<{ items: Host[] }>('GET', '/api/v1/hosts')).body.items.find(
      (h) => h.isLocal,
    )!;
  const hostView = async () => {
    const o = (await stack.call<LicensesOverview>('GET', '/api/v1/licenses')).body;
    return o.hosts[0]!;
  };
  const create = async (name: string) => {
    const res = await stack.call<TaskReply>('POST', '/api/v1/instances?sync=true', {
      template: 'busybox',
      name,
    });
    assert.equal(res.body.task.status, 'succeeded', JSON.stringify(res.body.task.error));
    return res.body.task.result as Instance;
  };
  const start = (i: Instance) =>
    stack.call<TaskReply & ErrorReply>('POST', `/api/v1/instances/${i.id}/actions/start?sync=true`);
  const state = async (i: Instance) =>
    (await stack.call<Instance>('GET', `/api/v1/instances/${i.id}`)).body.state;

  before(async () => {
    stack = await startStack('lic');
    first = await create(`lic-a-${process.pid}`);
    second = await create(`lic-b-${process.pid}`);
  });
  after(async () => {
    await stack?.close();
  });

  test('a host license installs on the agent, shows in the facts, and is checked again at agent start', async () => {
    const host = await local();
    assert.equal(host.facts?.license, null, 'no license yet');
    const lic = issue('--scope', 'host', '--edition', 'one-ct', '--running-containers', '1');
    const res = await stack.call('PUT', `/api/v1/hosts/${host.id}/license`, { license: text(lic) });
    assert.equal(res.status, 204, JSON.stringify(res.body));
    const file = JSON.parse(await readFile(path.join(stack.agent.dataDir, 'license.json'), 'utf8'));
    assert.equal(file.payload.id, lic.payload.id);
    assert.equal((await local()).facts?.license?.state, 'valid');

    await stack.restartAgent();
    const facts = (await local()).facts!;
    assert.deepEqual(facts.license, {
      state: 'valid',
      licenseId: lic.payload.id,
      expiresAt: lic.payload.expiresAt,
    });
    const view = await hostView();
    assert.equal(view.source, 'host');
    assert.equal(view.limits.runningContainers, 1);
    assert.equal(view.usage.cores, facts.cpus);
  });

  test('a second running container is refused naming the limit and the count; the first keeps running when the license goes', async () => {
    const ok = await start(first);
    assert.equal(ok.body.task.status, 'succeeded', JSON.stringify(ok.body.task.error));
    const refused = await start(second);
    assert.equal(refused.status, 409, JSON.stringify(refused.body));
    assert.match(
      refused.body.error.message,
      /running containers 1 of 1 in use on this host under the host license \(one-ct\)/,
    );
    assert.equal(await state(second), 'stopped');

    const host = await local();
    const removed = await stack.call('DELETE', `/api/v1/hosts/${host.id}/license`);
    assert.equal(removed.status, 204);
    assert.equal(await state(first), 'running', 'a license change never stops anything');
    assert.equal((await hostView()).source, 'free');

    // The free edition allows 10: the second starts now.
    const now = await start(second);
    assert.equal(now.body.task.status, 'succeeded', JSON.stringify(now.body.task.error));

    // A smaller license again: both keep running, and the page says it is over the limit.
    const small = issue('--scope', 'host', '--running-containers', '1');
    await stack.call('PUT', `/api/v1/hosts/${host.id}/license`, { license: text(small) });
    assert.equal(await state(first), 'running');
    assert.equal(await state(second), 'running');
    assert.deepEqual((await hostView()).overLimit, ['running containers: 2 of 1']);
  });

  test('a license file changed on disk is reported as an invalid signature at agent start', async () => {
    const file = path.join(stack.agent.dataDir, 'license.json');
    const doc = JSON.parse(await readFile(file, 'utf8')) as LicenseDocument;
    doc.payload.limits.runningContainers = 500;
    await writeFile(file, JSON.stringify(doc));
    await stack.restartAgent();
    assert.equal((await local()).facts?.license?.state, 'invalid-signature');
    const view = await hostView();
    assert.equal(view.state, 'invalid-signature');
    assert.equal(view.source, 'free', 'a forged license grants nothing');
  });
});
