import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { AlertHistoryPage, AlertRule, AlertRulePage, ApiEvent } from '@berth/contracts';
import { AlertEvaluator } from '../../src/modules/alerts/evaluator.js';
import { ApiEvents } from '../../src/modules/events/events.service.js';
import type { Hosts } from '../../src/modules/hosts/hosts.service.js';
import { buildTestApi, type TestApi } from '../inject/build-test-api.js';
import { until } from '../wait.js';
import { sample } from './samples.js';

const RULE = {
  name: 'busy',
  metric: 'cpuPct',
  comparison: 'above',
  threshold: 30,
  forSeconds: 10,
  scope: 'all',
};

describe('alert rules: CRUD with permissions and audit; judged against pulled samples', () => {
  let t: TestApi;
  before(async () => {
    t = await buildTestApi();
  });
  after(() => t.close());

  test('rules are created, listed in pages, replaced and deleted, each audited', async () => {
    const admin = await t.as('admin');
    const made: AlertRule[] = [];
    for (const name of ['b-rule', 'a-rule']) {
      const res = await t.inject({
        method: 'POST',
        url: '/api/v1/alerts/rules',
        headers: admin,
        payload: { ...RULE, name },
      });
      assert.equal(res.statusCode, 201, res.body);
      made.push(res.json<AlertRule>());
    }
    assert.equal(made[0]!.enabled, true);
    const page = (
      await t.inject({
        method: 'GET',
        url: '/api/v1/alerts/rules?limit=1&offset=1',
        headers: admin,
      })
    ).json<AlertRulePage>();
    assert.equal(page.total, 2);
    assert.deepEqual(
      page.items.map((r) => r.name),
      ['b-rule'],
    );
    const put = await t.inject({
      method: 'PUT',
      url: `/api/v1/alerts/rules/${made[0]!.id}`,
      headers: admin,
      payload: { ...RULE, name: 'b-rule', threshold: 90, enabled: false },
    });
    assert.equal(put.statusCode, 200, put.body);
    assert.equal(put.json<AlertRule>().threshold, 90);
    for (const r of made) {
      const del = await t.inject({
        method: 'DELETE',
        url: `/api/v1/alerts/rules/${r.id}`,
        headers: admin,
      });
      assert.equal(del.statusCode, 204, del.body);
    }
    const gone = await t.inject({
      method: 'DELETE',
      url: `/api/v1/alerts/rules/${made[0]!.id}`,
      headers: admin,
    });
    assert.equal(gone.statusCode, 404);
    const audited = await t.db.auditEvent.findMany({
      where: { targetType: 'alert-rule', outcome: 'success' },
      orderBy: { seq: 'asc' },
    });
    assert.deepEqual(
      audited.map((a) => a.action),
      [
        'alert.rule.create',
        'alert.rule.create',
        'alert.rule.update',
        'alert.rule.delete',
        'alert.rule.delete',
      ],
    );
    assert.match(audited[2]!.after ?? '', /"threshold":90/);
  });

  test('bad rules are 400s naming the field and change nothing; operators may not manage', async () => {
    const admin = await t.as('admin');
    for (const [payload, field] of [
      [{ ...RULE, metric: 'diskPct' }, 'metric'],
      [{ ...RULE, scope: 'instance' }, 'scopeValue'],
      [{ ...RULE, scopeValue: 'x' }, 'scopeValue'],
      [{ ...RULE, forSeconds: -1 }, 'forSeconds'],
      [{ ...RULE, threshold: 'high' }, 'threshold'],
      [{ ...RULE, name: '' }, 'name'],
      [{ ...RULE, color: 'red' }, 'color'],
    ] as const) {
      const res = await t.inject({
        method: 'POST',
        url: '/api/v1/alerts/rules',
        headers: admin,
        payload,
      });
      assert.equal(res.statusCode, 400, `${field}: ${res.body}`);
      assert.match(res.body, new RegExp(field));
    }
    assert.equal(await t.db.alertRule.count(), 0);
    const operator = await t.as('operator');
    const res = await t.inject({
      method: 'POST',
      url: '/api/v1/alerts/rules',
      headers: operator,
      payload: RULE,
    });
    assert.equal(res.statusCode, 403);
  });

  test('cpu above 30 % for 10 s fires once, then resolves; the history keeps both', async () => {
    const admin = await t.as('admin');
    const busy = t.agent.add({ name: 'busy-ct' });
    const idle = t.agent.add({ name: 'idle-ct' });
    const rule = (
      await t.inject({
        method: 'POST',
        url: '/api/v1/alerts/rules',
        headers: admin,
        payload: { ...RULE, scope: 'instance', scopeValue: busy.id },
      })
    ).json<AlertRule>();
    const t0 = Date.now() - 40_000;
    const ct = (c: typeof busy, t: number, cpuPct: number) =>
      sample({ subject: c.id, kind: 'ct', name: c.name, t, cpuPct });
    // Above for 5 s only (no alert), a dip, then above for 15 s; the idle one is out of scope.
    t.agent.samplesToServe = [
      ...[0, 5].map((s) => ct(busy, t0 + s * 1000, 80)),
      ct(busy, t0 + 10_000, 5),
      ...[15, 20, 25, 30].map((s) => ct(busy, t0 + s * 1000, 95)),
      ...[0, 10, 20, 30].map((s) => ct(idle, t0 + s * 1000, 99)),
    ];
    const firing = await until(
      'the alert to fire',
      async () => {
        const res = await t.inject({
          method: 'GET',
          url: '/api/v1/alerts?state=firing',
          headers: admin,
        });
        const page = res.json<AlertHistoryPage>();
        return page.total > 0 ? page : undefined;
      },
      15_000,
    );
    assert.equal(firing.total, 1);
    const [alert] = firing.items;
    assert.equal(alert!.subject, busy.id);
    assert.equal(alert!.subjectName, 'busy-ct');
    assert.equal(alert!.ruleId, rule.id);
    assert.equal(alert!.value, 95);
    assert.equal(Date.parse(alert!.firedAt), t0 + 25_000, 'held for 10 s from 15 s');

    t.agent.samplesToServe.push(ct(busy, Date.now() - 1000, 3));
    const resolved = await until(
      'the alert to resolve',
      async () => {
        const res = await t.inject({
          method: 'GET',
          url: `/api/v1/instances/${busy.id}/alerts`,
          headers: admin,
        });
        const page = res.json<AlertHistoryPage>();
        return page.items[0]?.resolvedAt ? page : undefined;
      },
      15_000,
    );
    assert.equal(resolved.total, 1, 'fired once, not once per sample');
    const none = await t.inject({
      method: 'GET',
      url: `/api/v1/instances/${idle.id}/alerts`,
      headers: admin,
    });
    assert.equal(none.json<AlertHistoryPage>().total, 0);
  });

  test('after an API restart an open alert is neither fired again nor lost: it resolves', async () => {
    const rule = await t.db.alertRule.create({
      data: { ...RULE, scopeValue: '', comparison: 'above', createdBy: 'admin' },
    });
    const open = await t.db.alertEvent.create({
      data: {
        ruleId: rule.id,
        ruleName: rule.name,
        metric: 'cpuPct',
        comparison: 'above',
        threshold: 30,
        subject: 'restart-ct',
        subjectName: 'restart-ct',
        hostId: 'h',
        value: 90,
        firedAt: new Date(Date.now() - 60_000),
      },
    });
    // A fresh evaluator, as after a restart: it reads the open alert back.
    const published: ApiEvent[] = [];
    const events = new ApiEvents();
    events.subscribe((e) => published.push(e));
    // Scope "all" never asks the hosts for tags.
    const noHosts = { instances: async () => [] } as unknown as Hosts;
    const evaluator = new AlertEvaluator(t.db, noHosts, events, t.app.log);
    await evaluator.init();
    const ct = (cpuPct: number, t: number) =>
      sample({ subject: 'restart-ct', kind: 'ct', name: 'restart-ct', t, cpuPct });
    const now = Date.now();
    await evaluator.observe('h', [ct(95, now - 20_000), ct(95, now - 15_000)], now);
    assert.equal(await t.db.alertEvent.count({ where: { subject: 'restart-ct' } }), 1);
    await evaluator.observe('h', [ct(2, now - 10_000)], now);
    const row = await t.db.alertEvent.findUniqueOrThrow({ where: { id: open.id } });
    assert.ok(row.resolvedAt, 'resolved');
    assert.deepEqual(
      published.map((e) => e.type === 'alert' && e.alert.resolvedAt !== null),
      [true],
    );
    await t.db.alertRule.delete({ where: { id: rule.id } });
  });
});
