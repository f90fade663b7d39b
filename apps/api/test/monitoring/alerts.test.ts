import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { AlertHistoryPage, AlertRule, ApiEvent, Instance } from '@berth/contracts';
import { collectEvents, startStack, type Stack } from '../harness.js';
import { execIn, runningContainer } from '../running-container.js';

type AlertEventMsg = Extract<ApiEvent, { type: 'alert' }>;

/** A real busy loop in a real container trips a real rule, through the agent's sampler. */
describe('alerts on a real busybox container', () => {
  let stack: Stack;
  let ct: Instance;

  const exec = (command: string[]) => execIn(stack, ct.id, command);

  before(async () => {
    stack = await startStack('alerts');
    ct = await runningContainer(stack, { name: `alert-${process.pid}` });
  });
  after(async () => {
    if (ct) await stack?.call('DELETE', `/api/v1/instances/${ct.id}?force=true&sync=true`);
    await stack?.close();
  });

  test('"cpu > 30 % for 10 s" fires on a busy loop and resolves when it stops', async () => {
    const stream = collectEvents(stack);
    try {
      const created = await stack.call<AlertRule>('POST', '/api/v1/alerts/rules', {
        name: 'busy loop',
        metric: 'cpuPct',
        comparison: 'above',
        threshold: 30,
        forSeconds: 10,
        scope: 'instance',
        scopeValue: ct.id,
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const loopAt = Date.now();
      await exec(['sh', '-c', "setsid sh -c 'while :; do :; done' </dev/null >/dev/null 2>&1 &"]);
      const fired = (await stream.waitFor(
        (e) => e.type === 'alert' && e.alert.subject === ct.id && e.alert.resolvedAt === null,
        45_000,
      )) as AlertEventMsg;
      assert.equal(fired.alert.ruleId, created.body.id);
      assert.ok(fired.alert.value > 30, `fired at ${fired.alert.value} %`);
      // Not before the loop had run for the rule's 10 s.
      assert.ok(Date.parse(fired.alert.firedAt) >= loopAt + 10_000 - 5000);
      const dashboard = await stack.call<AlertHistoryPage>('GET', '/api/v1/alerts?state=firing');
      assert.deepEqual(
        dashboard.body.items.map((a) => a.subject),
        [ct.id],
      );

      await exec(['sh', '-c', 'pkill -f "while :" || killall sh || true']).catch(() => undefined);
      const resolved = (await stream.waitFor(
        (e) => e.type === 'alert' && e.alert.id === fired.alert.id && e.alert.resolvedAt !== null,
        30_000,
      )) as AlertEventMsg;
      assert.ok(Date.parse(resolved.alert.resolvedAt!) > Date.parse(fired.alert.firedAt));
      const history = await stack.call<AlertHistoryPage>(
        'GET',
        `/api/v1/instances/${ct.id}/alerts`,
      );
      assert.equal(history.body.total, 1);
      assert.equal(history.body.items[0]!.resolvedAt, resolved.alert.resolvedAt);
      assert.equal(
        (await stack.call<AlertHistoryPage>('GET', '/api/v1/alerts?state=firing')).body.total,
        0,
      );
    } finally {
      stream.stop();
    }
  });
});
