import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ErrorBody } from '@berth/contracts';
import { buildTestApi, type TestApi } from './build-test-api.js';

describe('processes and services inside instances: input rules and audit', () => {
  let t: TestApi;
  let admin: Record<string, string>;
  let ctId: string;
  before(async () => {
    t = await buildTestApi();
    admin = await t.as('admin');
    ctId = t.agent.add({ kind: 'ct', state: 'running' }).id;
  });
  after(() => t.close());

  const lastAudit = (action: string) =>
    t.db.auditEvent.findFirst({ where: { action }, orderBy: { seq: 'desc' } });

  test('signals other than the listed ones, and pids not in canonical form, are a 400 that reaches no agent', async () => {
    const before = t.agent.calls.length;
    for (const [pid, signal] of [
      ['42', 'SEGV'],
      ['42', 'SIGTERM'],
      ['42', 9],
      ['042', 'TERM'],
      ['0', 'TERM'],
      ['1e3', 'TERM'],
      ['-1', 'TERM'],
    ] as const) {
      const res = await t.inject({
        method: 'POST',
        url: `/api/v1/instances/${ctId}/processes/${pid}/signal`,
        payload: { signal },
        headers: admin,
      });
      assert.equal(res.statusCode, 400, `${pid} ${signal}: ${res.body}`);
    }
    const extra = await t.inject({
      method: 'POST',
      url: `/api/v1/instances/${ctId}/processes/42/signal`,
      payload: { signal: 'TERM', all: true },
      headers: admin,
    });
    assert.equal(extra.statusCode, 400, extra.body);
    assert.equal(t.agent.calls.length, before);
  });

  test('unit names outside [A-Za-z0-9@._:-]+.service are a 400 that reaches no agent', async () => {
    const before = t.agent.calls.length;
    for (const name of [
      'ssh',
      'ssh.socket',
      '-ssh.service',
      '..service',
      'a b.service',
      'ssh;reboot.service',
      '$(id).service',
      'a%2Fb.service',
    ]) {
      const res = await t.inject({
        method: 'POST',
        url: `/api/v1/instances/${ctId}/services/${encodeURIComponent(name)}/actions/stop`,
        headers: admin,
      });
      assert.equal(res.statusCode, 400, `${name}: ${res.body}`);
      assert.equal(res.json<ErrorBody>().error.code, 'validation_error');
    }
    const verb = await t.inject({
      method: 'POST',
      url: `/api/v1/instances/${ctId}/services/ssh.service/actions/mask`,
      headers: admin,
    });
    assert.equal(verb.statusCode, 400, verb.body);
    assert.equal(t.agent.calls.length, before);
  });

  test('a signal and a service change are audited with what they touched', async () => {
    const sig = await t.inject({
      method: 'POST',
      url: `/api/v1/instances/${ctId}/processes/4242/signal`,
      payload: { signal: 'KILL' },
      headers: admin,
    });
    assert.equal(sig.statusCode, 204, sig.body);
    assert.ok(t.agent.calls.includes(`signalProcess ${ctId} 4242 KILL`));
    const row = await lastAudit('process.signal');
    assert.equal(row?.targetId, ctId);
    assert.deepEqual(JSON.parse(row?.detail ?? '{}'), { pid: 4242, signal: 'KILL', status: 204 });

    const stop = await t.inject({
      method: 'POST',
      url: `/api/v1/instances/${ctId}/services/cron.service/actions/stop`,
      headers: admin,
    });
    assert.equal(stop.statusCode, 200, stop.body);
    assert.equal((await lastAudit('service.stop'))?.outcome, 'success');
    const boot = await t.inject({
      method: 'PUT',
      url: `/api/v1/instances/${ctId}/services/cron.service/boot`,
      payload: { enabled: false },
      headers: admin,
    });
    assert.equal(boot.statusCode, 200, boot.body);
    assert.equal(JSON.parse((await lastAudit('service.disable'))?.after ?? '{}').boot, 'disabled');
  });

  test('the host-pid lookup is host.view, and a pid no instance owns is a 404', async () => {
    const res = await t.inject({ url: '/api/v1/hosts/local/pids/1/owner', headers: admin });
    assert.ok([404].includes(res.statusCode), res.body);
    const { headers } = await t.userWith('pid-no-host-view', []);
    const refused = await t.inject({ url: '/api/v1/hosts/local/pids/1/owner', headers });
    assert.equal(refused.statusCode, 403, refused.body);
  });
});
