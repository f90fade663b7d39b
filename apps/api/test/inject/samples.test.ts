import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type {
  ConfigSample,
  ErrorBody,
  LimitValidation,
  Limits,
  SampleDiff,
  SplitResult,
} from '@berth/contracts';
import { buildTestApi, type TestApi } from './build-test-api.js';

describe('configuration samples', () => {
  let t: TestApi;
  let admin: Record<string, string>;
  before(async () => {
    t = await buildTestApi();
    admin = await t.as('admin');
  });
  after(() => t.close());

  const create = (payload: object, headers = admin) =>
    t.inject({ method: 'POST', url: '/api/v1/samples', payload, headers });
  const lastAudit = async (action: string) =>
    t.db.auditEvent.findFirst({ where: { action }, orderBy: { seq: 'desc' } });

  test('three built-in samples, read-only', async () => {
    const list = await t.inject({ url: '/api/v1/samples', headers: await t.as('auditor') });
    assert.equal(list.statusCode, 200, list.body);
    const builtin = list.json<{ items: ConfigSample[] }>().items.filter((s) => s.builtin);
    assert.deepEqual(
      builtin.map((s) => s.name),
      ['small', 'medium', 'large'],
    );
    for (const [method, payload] of [
      ['PATCH', { description: 'mine now' }],
      ['DELETE', undefined],
    ] as const) {
      const res = await t.inject({
        method,
        url: '/api/v1/samples/medium',
        payload,
        headers: admin,
      });
      assert.equal(res.statusCode, 409, res.body);
      assert.match(res.json<ErrorBody>().error.message, /built-in sample/);
    }
    const taken = await create({ name: 'Small', limits: {} });
    assert.equal(taken.statusCode, 409, taken.body);
    assert.equal(taken.json<ErrorBody>().error.issues?.[0]?.path, 'name');
  });

  test('create, read, edit and delete, each audited with before and after', async () => {
    const limits: Limits = { cpu: { cap: 50 }, memory: { limitMiB: 128, swapMiB: 0 } };
    const made = await create({ name: 'web', description: 'front ends', limits });
    assert.equal(made.statusCode, 201, made.body);
    const sample = made.json<ConfigSample>();
    assert.equal(sample.builtin, false);
    assert.equal(sample.createdBy, 'inject-admin');
    assert.deepEqual(sample.limits, limits);
    const created = await lastAudit('sample.create');
    assert.equal(created?.targetId, sample.id);
    assert.deepEqual(JSON.parse(created!.after!).limits, limits);

    const again = await create({ name: 'web', limits: {} });
    assert.equal(again.statusCode, 409, again.body);

    const got = await t.inject({ url: `/api/v1/samples/${sample.id}`, headers: admin });
    assert.deepEqual(got.json<ConfigSample>(), sample);

    const edited = await t.inject({
      method: 'PATCH',
      url: `/api/v1/samples/${sample.id}`,
      payload: { name: 'web2', limits: { cpu: { cap: 75 } } },
      headers: admin,
    });
    assert.equal(edited.statusCode, 200, edited.body);
    assert.equal(edited.json<ConfigSample>().description, 'front ends', 'left out: kept');
    assert.deepEqual(edited.json<ConfigSample>().limits, { cpu: { cap: 75 } });
    const updated = await lastAudit('sample.update');
    assert.equal(JSON.parse(updated!.before!).name, 'web');
    assert.equal(JSON.parse(updated!.after!).name, 'web2');

    const other = await create({ name: 'db', limits: {} });
    const clash = await t.inject({
      method: 'PATCH',
      url: `/api/v1/samples/${other.json<ConfigSample>().id}`,
      payload: { name: 'web2' },
      headers: admin,
    });
    assert.equal(clash.statusCode, 409, clash.body);

    const gone = await t.inject({
      method: 'DELETE',
      url: `/api/v1/samples/${sample.id}`,
      headers: admin,
    });
    assert.equal(gone.statusCode, 204, gone.body);
    assert.equal(JSON.parse((await lastAudit('sample.delete'))!.before!).name, 'web2');
    const missing = await t.inject({ url: `/api/v1/samples/${sample.id}`, headers: admin });
    assert.equal(missing.statusCode, 404);
  });

  test('bodies are strict: unknown fields and bad limits are 400s naming the field', async () => {
    const cases: Array<[object, RegExp]> = [
      [{ name: 'x', limits: {}, colour: 'red' }, /colour/],
      [{ name: 'x', limits: { cpu: { shares: 5 } } }, /shares/],
      [{ name: 'x', limits: { memory: { limitMiB: -1 } } }, /memory.limitMiB/],
      [{ name: 'x', limits: { cpu: { affinity: '0;rm' } } }, /affinity/],
      [{ name: '../x', limits: {} }, /name/],
    ];
    for (const [payload, field] of cases) {
      const res = await create(payload);
      assert.equal(res.statusCode, 400, `${JSON.stringify(payload)}: ${res.body}`);
      assert.match(JSON.stringify(res.json<ErrorBody>().error), field);
    }
    assert.equal(await t.db.configSample.count({ where: { name: 'x' } }), 0);
  });

  test('only sample.manage changes samples; instance.view alone does not show them', async () => {
    const { headers: viewer } = await t.userWith('sample-viewer', [
      { role: 'auditor', scope: 'all' },
    ]);
    const refused = await create({ name: 'nope', limits: {} }, viewer);
    assert.equal(refused.statusCode, 403);
    assert.match(refused.json<ErrorBody>().error.message, /sample.manage/);
    const role = await t.db.role.create({
      data: { name: 'looker', permissions: JSON.stringify(['instance.view']) },
    });
    const { headers } = await t.userWith('looker', [{ role: role.id, scope: 'all' }]);
    const list = await t.inject({ url: '/api/v1/samples', headers });
    assert.equal(list.statusCode, 403);
  });

  test('split: the fake host (2 CPUs, 2 GiB, 16 GiB) into 3, with its headroom', async () => {
    const res = await t.inject({
      method: 'POST',
      url: '/api/v1/samples/split',
      payload: { count: 3 },
      headers: admin,
    });
    assert.equal(res.statusCode, 200, res.body);
    const split = res.json<SplitResult>();
    assert.deepEqual(split.limits, {
      cpu: { cap: 60, count: 1 },
      memory: { limitMiB: 512 },
      disk: { sizeMiB: 4912 },
    });
    assert.deepEqual(split.headroom, { cpuPercent: 10, memoryMiB: 512, diskMiB: 1639 });
    const tooMany = await t.inject({
      method: 'POST',
      url: '/api/v1/samples/split',
      payload: { count: 100 },
      headers: admin,
    });
    assert.equal(tooMany.statusCode, 400);
    assert.match(tooMany.json<ErrorBody>().error.message, /at most 48 instances/);
    const zero = await t.inject({
      method: 'POST',
      url: '/api/v1/samples/split',
      payload: { count: 0 },
      headers: admin,
    });
    assert.equal(zero.statusCode, 400);
  });

  test('scale: times a factor, rounded; past a range a 400 with the path', async () => {
    const res = await t.inject({
      method: 'POST',
      url: '/api/v1/samples/scale',
      payload: { limits: { cpu: { cap: 100, count: 1 }, memory: { limitMiB: 1000 } }, factor: 1.5 },
      headers: admin,
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json<Limits>(), {
      cpu: { cap: 150, count: 2 },
      memory: { limitMiB: 1504 },
    });
    const over = await t.inject({
      method: 'POST',
      url: '/api/v1/samples/scale',
      payload: { limits: { processes: 4_000_000 }, factor: 2 },
      headers: admin,
    });
    assert.equal(over.statusCode, 400, over.body);
    assert.equal(over.json<ErrorBody>().error.issues?.[0]?.path, 'limits.processes');
    for (const factor of [0, -1, 100]) {
      const bad = await t.inject({
        method: 'POST',
        url: '/api/v1/samples/scale',
        payload: { limits: {}, factor },
        headers: admin,
      });
      assert.equal(bad.statusCode, 400, `factor ${factor}`);
    }
  });

  test('validate: each problem of an instance with its fix', async () => {
    const box = t.agent.add({
      kind: 'ct',
      limits: {
        cpu: { cap: 300, count: 2, affinity: '0,5' },
        memory: { swapMiB: 64 },
      },
    });
    const res = await t.inject({
      url: `/api/v1/instances/${box.id}/limits/problems`,
      headers: await t.as('auditor'),
    });
    assert.equal(res.statusCode, 200, res.body);
    const problems = res.json<LimitValidation>().problems;
    const byPath = new Map(problems.map((p) => [p.path, p]));
    assert.match(byPath.get('cpu.affinity')!.message, /CPU 5 does not exist/);
    assert.match(byPath.get('cpu.cap')!.message, /between 1 and 200/);
    assert.match(byPath.get('memory.swapMiB')!.message, /swap needs a memory limit/);
    for (const p of problems) assert.ok(p.fix.length > 0, p.path);

    const big = t.agent.add({ kind: 'vm', ctid: null, limits: { memory: { limitMiB: 8192 } } });
    const vm = await t.inject({
      url: `/api/v1/instances/${big.id}/limits/problems`,
      headers: admin,
    });
    assert.match(vm.json<LimitValidation>().problems[0]!.message, /host's memory/);

    const fine = t.agent.add({ kind: 'ct', limits: { memory: { limitMiB: 256 } } });
    const ok = await t.inject({
      url: `/api/v1/instances/${fine.id}/limits/problems`,
      headers: admin,
    });
    assert.deepEqual(ok.json<LimitValidation>().problems, []);
  });

  test('apply, dry run: before, after and when each field applies; nothing changes', async () => {
    const box = t.agent.add({
      kind: 'ct',
      diskSizeBytes: 4096 * 1024 * 1024,
      limits: { cpu: { weight: 100, affinity: '0' }, memory: { limitMiB: 512 } },
    });
    const callsBefore = t.agent.calls.filter((c) => c.startsWith('updateInstance')).length;
    const res = await t.inject({
      url: `/api/v1/instances/${box.id}/sample-diff?sample=small`,
      headers: admin,
    });
    assert.equal(res.statusCode, 200, res.body);
    const d = res.json<SampleDiff>();
    assert.deepEqual(d.sample, { id: 'small', name: 'small' });
    assert.deepEqual(d.changes, [
      { path: 'cpu.weight', before: 100, after: 50, apply: 'live' },
      { path: 'cpu.cap', before: null, after: 50, apply: 'live' },
      { path: 'cpu.count', before: null, after: 1, apply: 'live' },
      { path: 'memory.limitMiB', before: 512, after: 256, apply: 'live' },
      { path: 'processes', before: null, after: 256, apply: 'live' },
    ]);
    assert.deepEqual(d.skipped, [
      { path: 'disk.sizeMiB', reason: 'disks only grow: this one has 4096 MiB' },
    ]);
    assert.deepEqual(
      d.after.cpu,
      { weight: 50, affinity: '0', cap: 50, count: 1 },
      'affinity kept',
    );
    assert.deepEqual(d.patch, {
      cpu: { weight: 50, cap: 50, count: 1 },
      memory: { limitMiB: 256 },
      processes: 256,
    });
    assert.deepEqual(d.problems, []);
    assert.equal(
      t.agent.calls.filter((c) => c.startsWith('updateInstance')).length,
      callsBefore,
      'a dry run asks the agent for no change',
    );

    // A VM takes its count and memory at the next start; processes do not apply to it.
    const vm = t.agent.add({ kind: 'vm', ctid: null, limits: { cpu: { count: 1 } } });
    const vmDiff = (
      await t.inject({ url: `/api/v1/instances/${vm.id}/sample-diff?sample=large`, headers: admin })
    ).json<SampleDiff>();
    assert.deepEqual(
      vmDiff.changes.map((c) => `${c.path} ${c.apply}`),
      ['cpu.weight live', 'cpu.cap live', 'cpu.count next-start', 'memory.limitMiB next-start'],
    );
    assert.deepEqual(
      vmDiff.skipped.map((s) => s.path),
      ['disk.sizeMiB', 'processes'],
    );
    assert.match(vmDiff.problems.map((p) => p.message).join(), /host's memory/);

    const unknown = await t.inject({
      url: `/api/v1/instances/${box.id}/sample-diff?sample=nosuch`,
      headers: admin,
    });
    assert.equal(unknown.statusCode, 404);
    // A grant over a tag sees only its instances: others are not there for it. Samples are
    // console-wide, so reading them takes a grant over everything.
    const samplesOnly = await t.db.role.create({
      data: { name: 'sample-reader', permissions: JSON.stringify(['sample.view']) },
    });
    const { headers: tagged } = await t.userWith('op-tag', [
      { role: 'operator', scope: 'tag', scopeValue: 'customer-a' },
      { role: samplesOnly.id, scope: 'all' },
    ]);
    for (const url of [
      `/api/v1/instances/${box.id}/sample-diff?sample=small`,
      `/api/v1/instances/${box.id}/limits/problems`,
    ]) {
      const outside = await t.inject({ url, headers: tagged });
      assert.equal(outside.statusCode, 404, `${url}: ${outside.body}`);
    }
    const mine = t.agent.add({ kind: 'ct', tags: ['customer-a'], limits: {} });
    const inside = await t.inject({
      url: `/api/v1/instances/${mine.id}/sample-diff?sample=small`,
      headers: tagged,
    });
    assert.equal(inside.statusCode, 200, inside.body);

    const extra = await t.inject({
      url: `/api/v1/instances/${box.id}/sample-diff?sample=small&apply=yes`,
      headers: admin,
    });
    assert.equal(extra.statusCode, 400);
  });
});
