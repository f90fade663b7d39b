import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ErrorBody, Host, Instance, Task } from '@berth/contracts';
import { readEventStream } from '@berth/fastify-kit';
import { buildTestApi, type TestApi } from './build-test-api.js';

const at = () => new Date().toISOString();

describe('scoped grants: an operator of tag customer-a sees and touches only those instances', () => {
  let t: TestApi;
  let mine: Instance;
  let theirs: Instance;
  let op: { id: string; headers: Record<string, string> };
  before(async () => {
    t = await buildTestApi();
    mine = t.agent.add({ name: 'a1', ctid: 201, tags: ['customer-a'] });
    theirs = t.agent.add({ name: 'b1', ctid: 202, tags: ['customer-b'] });
    op = await t.userWith('op-a', [{ role: 'operator', scope: 'tag', scopeValue: 'customer-a' }]);
  });
  after(() => t.close());

  test('lists show only their instances; another instance is not found, by UUID or CT ID', async () => {
    const list = await t.inject({ url: '/api/v1/instances', headers: op.headers });
    assert.deepEqual(
      list.json<{ items: Instance[] }>().items.map((i) => i.name),
      ['a1'],
    );
    for (const ref of [theirs.id, '202']) {
      const res = await t.inject({ url: `/api/v1/instances/${ref}`, headers: op.headers });
      assert.equal(res.statusCode, 404, res.body);
    }
    assert.equal(
      (await t.inject({ url: `/api/v1/instances/${mine.id}`, headers: op.headers })).statusCode,
      200,
    );
  });

  test('actions on their instance work; on another the answer is 404 and the agent is not asked', async () => {
    const ok = await t.inject({
      method: 'POST',
      url: `/api/v1/instances/${mine.id}/actions/start`,
      headers: op.headers,
    });
    assert.equal(ok.statusCode, 202, ok.body);
    const calls = t.agent.calls.length;
    for (const [method, url] of [
      ['POST', `/api/v1/instances/${theirs.id}/actions/stop`],
      ['DELETE', `/api/v1/instances/${theirs.id}`],
      ['PATCH', `/api/v1/instances/${theirs.id}`],
    ] as const) {
      const res = await t.inject({
        method,
        url,
        headers: op.headers,
        payload: method === 'PATCH' ? { description: 'x' } : undefined,
      });
      assert.equal(res.statusCode, 404, `${method} ${url}: ${res.body}`);
    }
    assert.ok(
      t.agent.calls
        .slice(calls)
        .every(
          (c) => !c.startsWith('action') && !c.startsWith('delete') && !c.startsWith('update'),
        ),
      t.agent.calls.slice(calls).join(', '),
    );
  });

  test('tasks: their own and their instances\u2019 only', async () => {
    const admin = await t.as('admin');
    const other = await t.inject({
      method: 'POST',
      url: `/api/v1/instances/${theirs.id}/actions/start`,
      headers: admin,
    });
    const otherTask = other.json<{ task: Task }>().task;
    const list = (await t.inject({ url: '/api/v1/tasks', headers: op.headers })).json<{
      items: Task[];
    }>().items;
    assert.ok(list.length >= 1);
    assert.ok(
      list.every((x) => x.instanceId === mine.id),
      JSON.stringify(list),
    );
    const hidden = await t.inject({ url: `/api/v1/tasks/${otherTask.id}`, headers: op.headers });
    assert.equal(hidden.statusCode, 404);
  });

  test('creating needs their tag; retagging out of scope is refused', async () => {
    const untagged = await t.inject({
      method: 'POST',
      url: '/api/v1/instances',
      headers: op.headers,
      payload: { template: 'busybox', name: 'loose' },
    });
    assert.equal(untagged.statusCode, 403, untagged.body);
    assert.match(untagged.json<ErrorBody>().error.message, /instance.create/);
    const tagged = await t.inject({
      method: 'POST',
      url: '/api/v1/instances',
      headers: op.headers,
      payload: { template: 'busybox', name: 'kept', tags: ['customer-a'] },
    });
    assert.equal(tagged.statusCode, 202, tagged.body);
    const away = await t.inject({
      method: 'PATCH',
      url: `/api/v1/instances/${mine.id}`,
      headers: op.headers,
      payload: { tags: ['customer-b'] },
    });
    assert.equal(away.statusCode, 403, away.body);
  });

  test('console-wide permissions do not come with a scoped grant', async () => {
    assert.equal((await t.inject({ url: '/api/v1/hosts', headers: op.headers })).statusCode, 403);
    assert.equal(
      (await t.inject({ url: '/api/v1/templates', headers: op.headers })).statusCode,
      403,
    );
  });

  test('a grant on a host covers every instance there', async () => {
    const hosts = (await t.inject({ url: '/api/v1/hosts', headers: await t.as('admin') })).json<{
      items: Host[];
    }>().items;
    const byHost = await t.userWith('op-host', [
      { role: 'operator', scope: 'host', scopeValue: hosts[0]!.id },
    ]);
    const names = (await t.inject({ url: '/api/v1/instances', headers: byHost.headers }))
      .json<{ items: Instance[] }>()
      .items.map((i) => i.name)
      .sort();
    assert.deepEqual(names, ['a1', 'b1']);
  });

  test(
    'the event stream carries only their instances, and ends when their token is revoked',
    { timeout: 5000 },
    async () => {
      const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
      const res = await fetch(`${address}/api/v1/events`, { headers: op.headers });
      assert.equal(res.status, 200);
      const seen: string[] = [];
      const done = readEventStream(res.body!, (e) => {
        const ev = e as { type: string; instanceId?: string };
        if (ev.type === 'instance.state') seen.push(ev.instanceId!);
      });
      // Give the stream a moment to subscribe before the agent speaks.
      await new Promise((r) => setTimeout(r, 100));
      for (const i of [theirs, mine])
        t.agent.send({ type: 'instance.state', instanceId: i.id, state: 'running', at: at() });
      await new Promise((r) => setTimeout(r, 100));
      assert.deepEqual(seen, [mine.id]);
      const token = await t.db.apiToken.findFirstOrThrow({ where: { userId: op.id } });
      await t.auth.deleteToken(op.id, token.id);
      await done; // the stream ends by itself; a hang fails the test at its timeout
    },
  );
});
