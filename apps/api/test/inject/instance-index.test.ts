import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Instance } from '@berth/contracts';
import { FAKE_AGENT_URL, buildTestApi, type TestApi } from './build-test-api.js';
import type { FakeAgent } from './fake-agent.js';

const OTHER = 'http://other-agent';

describe('the API remembers which host holds each instance', () => {
  let t: TestApi;
  let local: FakeAgent;
  let other: FakeAgent;
  let ct: Instance;
  before(async () => {
    t = await buildTestApi({ extraHosts: [OTHER] });
    local = t.agents.get(FAKE_AGENT_URL)!;
    other = t.agents.get(OTHER)!;
    ct = other.add({ kind: 'ct', ctid: 120 });
  });
  after(() => t.close());

  const lookups = (agent: FakeAgent) => agent.calls.filter((c) => c.startsWith('getInstance'));
  const reset = () => [local, other].forEach((a) => a.calls.splice(0));
  const get = async (id: string) =>
    t.inject({ method: 'GET', url: `/api/v1/instances/${id}`, headers: await t.as('auditor') });

  test('unknown at first: every host is asked once, then only the one that has it', async () => {
    assert.equal((await get(ct.id)).statusCode, 200);
    assert.equal(lookups(local).length, 1);
    reset();
    assert.equal(
      (await get(ct.id)).json<Instance>().hostId,
      (await get('120')).json<Instance>().hostId,
    );
    assert.deepEqual(lookups(local), []);
    assert.equal(lookups(other).length, 2);
  });

  test('a list answer fills the index', async () => {
    const vm = local.add({ kind: 'vm', ctid: null });
    await t.inject({ method: 'GET', url: '/api/v1/instances', headers: await t.as('auditor') });
    reset();
    assert.equal((await get(vm.id)).statusCode, 200);
    assert.deepEqual(lookups(other), []);
  });

  test('a deleted event forgets it; a move is found by asking everyone again', async () => {
    other.send({ type: 'instance.deleted', instanceId: ct.id, at: new Date().toISOString() });
    other.instances.delete(ct.id);
    local.instances.set(ct.id, ct);
    reset();
    const moved = await get(ct.id);
    assert.equal(moved.statusCode, 200);
    assert.equal(lookups(local).length, 1);
  });

  test('an updated event places an instance without any lookup', async () => {
    const fresh = other.add({ kind: 'ct', ctid: 130 });
    other.send({ type: 'instance.updated', instance: fresh, at: new Date().toISOString() });
    reset();
    assert.equal((await get('130')).statusCode, 200);
    assert.deepEqual(lookups(local), []);
  });
});
