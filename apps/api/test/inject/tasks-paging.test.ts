import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ErrorBody, Instance, TaskList } from '@berth/contracts';
import { buildTestApi, type TestApi } from './build-test-api.js';

const ROWS = 250;
/** Every fifth task failed, every seventh is a stop; a few share one instant, to test the cursor's tie-break. */
const T0 = Date.parse('2026-01-01T00:00:00Z');

describe('GET /api/v1/tasks: cursor paging, filters, a strict query', () => {
  let t: TestApi;
  let admin: Record<string, string>;
  let alice: { id: string; headers: Record<string, string> };
  let ct: Instance;
  before(async () => {
    t = await buildTestApi();
    admin = await t.as('admin');
    ct = t.agent.add({ name: 'paged', ctid: 301, tags: ['t-paging'] });
    alice = await t.userWith('alice', [{ role: 'operator', scope: 'tag', scopeValue: 'nobody' }]);
    await t.db.task.createMany({
      data: Array.from({ length: ROWS }, (_, i) => ({
        kind: i % 7 === 0 ? 'instance.stop' : 'instance.start',
        status: i % 5 === 0 ? 'failed' : 'succeeded',
        progress: 100,
        message: i === 42 ? 'needle in the message' : null,
        error: i % 5 === 0 ? JSON.stringify({ code: 'host_error', message: `boom ${i}` }) : null,
        instanceId: i < 10 ? ct.id : null,
        userId: i % 2 === 0 ? alice.id : null,
        // Rows 100..109 share one instant: only the id tells them apart.
        createdAt: new Date(T0 + (i >= 100 && i < 110 ? 100 : i) * 1000),
      })),
    });
  });
  after(() => t.close());

  const list = async (query: string, headers = admin) => {
    const res = await t.inject({ url: `/api/v1/tasks?${query}`, headers });
    assert.equal(res.statusCode, 200, res.body);
    return res.json<TaskList>();
  };

  test('pages past 200 rows with the cursor: every task once, newest first', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: TaskList = await list(
        `limit=60${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      seen.push(...page.items.map((x) => x.id));
      for (let i = 1; i < page.items.length; i++)
        assert.ok(page.items[i - 1]!.createdAt >= page.items[i]!.createdAt);
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    assert.equal(pages, 5);
    assert.equal(seen.length, ROWS);
    assert.equal(new Set(seen).size, ROWS);
  });

  test('filters: kind, outcome, user, instance, time range, search', async () => {
    assert.equal((await list('kind=instance.stop&limit=1000')).items.length, 36);
    assert.equal((await list('outcome=failed&limit=1000')).items.length, 50);
    assert.equal((await list('outcome=active')).items.length, 0);
    const mine = await list('user=alice&limit=1000');
    assert.equal(mine.items.length, 125);
    assert.deepEqual(mine.users, { [alice.id]: 'alice' });
    assert.equal((await list('user=nobody-by-that-name')).items.length, 0);
    assert.equal((await list(`instanceId=${ct.id}`)).items.length, 10);
    const from = new Date(T0 + 240_000).toISOString();
    const to = new Date(T0 + 245_000).toISOString();
    assert.equal((await list(`from=${from}&to=${to}`)).items.length, 5);
    assert.deepEqual(
      (await list('q=needle')).items.map((x) => x.message),
      ['needle in the message'],
    );
    assert.equal((await list('q=boom%20245')).items.length, 1);
    const both = await list('kind=instance.stop&outcome=failed&limit=1000');
    assert.ok(both.items.every((x) => x.kind === 'instance.stop' && x.status === 'failed'));
    assert.equal(both.items.length, 8);
  });

  test('an unknown parameter, a bad cursor or a bad outcome is a 400 that names it', async () => {
    for (const [query, field] of [
      ['status=failed', 'status'],
      ['cursor=nope', 'cursor'],
      ['outcome=maybe', 'outcome'],
      ['limit=1001', 'limit'],
      ['from=yesterday', 'from'],
    ] as const) {
      const res = await t.inject({ url: `/api/v1/tasks?${query}`, headers: admin });
      assert.equal(res.statusCode, 400, `${query}: ${res.body}`);
      assert.match(JSON.stringify(res.json<ErrorBody>().error), new RegExp(field), query);
    }
  });

  test('without task.view a page holds only what the caller may see, and still pages', async () => {
    const first = await list('limit=100', alice.headers);
    assert.equal(first.items.length, 100);
    assert.ok(first.items.every((x) => x.userId === alice.id));
    assert.ok(first.nextCursor);
    const rest = await list(`limit=100&cursor=${first.nextCursor}`, alice.headers);
    assert.equal(rest.items.length, 25);
    assert.equal(rest.nextCursor, null);
  });
});

describe('GET /api/v1/tasks/:id', () => {
  let t: TestApi;
  before(async () => {
    t = await buildTestApi();
  });
  after(() => t.close());

  test('names the user who started the task', async () => {
    const bob = await t.userWith('bob', [{ role: 'operator', scope: 'all' }]);
    const row = await t.db.task.create({
      data: { kind: 'instance.stop', status: 'succeeded', userId: bob.id },
    });
    const res = await t.inject({ url: `/api/v1/tasks/${row.id}`, headers: bob.headers });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json<{ startedBy: string | null }>().startedBy, 'bob');
  });
});
