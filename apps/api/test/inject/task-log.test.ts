import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type {
  ErrorBody,
  OperationLogLine,
  TaskAccepted,
  TaskDetail,
  TaskLog,
} from '@berth/contracts';
import { buildTestApi, type TestApi } from './build-test-api.js';

const line = (seq: number, over: Partial<OperationLogLine> = {}): OperationLogLine => ({
  seq,
  at: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString(),
  type: 'progress',
  message: `point ${seq}`,
  progress: seq,
  command: null,
  failed: false,
  ...over,
});

describe('a task’s log: JSON pages and a text download, for whoever may see the task', () => {
  let t: TestApi;
  let admin: Record<string, string>;
  let taskId: string;
  const lines = [
    ...Array.from({ length: 30 }, (_, i) => line(i)),
    line(30, {
      type: 'command',
      message: 'mkfs.ext4 -q /var/lib/berth/images/101.img',
      progress: null,
      command: {
        cmd: 'mkfs.ext4',
        args: ['-q', '/var/lib/berth/images/101.img'],
        code: 1,
        timedOut: false,
        ms: 12,
        stderr: 'mkfs.ext4: No space left on device\n',
      },
      failed: true,
    }),
  ];

  before(async () => {
    t = await buildTestApi();
    admin = await t.as('admin');
    const ct = t.agent.add({ state: 'running', tags: ['mine'] });
    const res = await t.inject({
      method: 'POST',
      url: `/api/v1/instances/${ct.id}/actions/stop`,
      headers: admin,
    });
    assert.equal(res.statusCode, 202, res.body);
    taskId = res.json<TaskAccepted>().task.id;
    const task = await t.db.task.findUniqueOrThrow({ where: { id: taskId } });
    const opId = task.agentOperationId!;
    t.agent.logs.set(opId, { operationId: opId, lines });
  });
  after(() => t.close());

  const getLog = (query = '', headers = admin) =>
    t.inject({ url: `/api/v1/tasks/${taskId}/log${query}`, headers });

  test('a running task’s log is read from its agent', async () => {
    const res = await getLog('?limit=5');
    assert.equal(res.statusCode, 200, res.body);
    const page = res.json<TaskLog>();
    assert.equal(page.live, true);
    assert.deepEqual(
      page.items.map((l) => l.seq),
      [0, 1, 2, 3, 4],
    );
    assert.equal(page.nextAfter, 4);
  });

  test('an ended task keeps its log, paged by seq, after the agent forgot it', async () => {
    const row = await t.db.task.findUniqueOrThrow({ where: { id: taskId } });
    const opId = row.agentOperationId!;
    const op = t.agent.operations.get(opId)!;
    const ended = {
      ...op,
      status: 'failed' as const,
      error: { code: 'host_error', message: 'mkfs.ext4 exited 1' },
      finishedAt: new Date().toISOString(),
    };
    t.agent.operations.set(opId, ended);
    t.agent.send({ type: 'operation', operation: ended, at: new Date().toISOString() });
    const waited = await t.inject({ url: `/api/v1/tasks/${taskId}?wait=true`, headers: admin });
    assert.equal(waited.json<TaskDetail>().status, 'failed');
    t.agent.logs.delete(opId);
    t.agent.operations.delete(opId);

    const seen: OperationLogLine[] = [];
    let after: number | null = null;
    do {
      const res = await getLog(`?limit=12${after === null ? '' : `&after=${after}`}`);
      assert.equal(res.statusCode, 200, res.body);
      const page: TaskLog = res.json<TaskLog>();
      assert.equal(page.live, false);
      seen.push(...page.items);
      after = page.nextAfter;
    } while (after !== null);
    assert.deepEqual(seen, lines);
  });

  test('the download is text with the failing command, its exit and stderr', async () => {
    const res = await t.inject({ url: `/api/v1/tasks/${taskId}/log/download`, headers: admin });
    assert.equal(res.statusCode, 200, res.body);
    assert.match(res.headers['content-type'] as string, /^text\/plain/);
    assert.match(
      res.headers['content-disposition'] as string,
      /attachment; filename="task-.*\.log"/,
    );
    assert.match(res.body, /status: failed \(host_error: mkfs.ext4 exited 1\)/);
    assert.match(
      res.body,
      /\$ mkfs\.ext4 -q \/var\/lib\/berth\/images\/101\.img {2}\(exit 1, 12 ms\)/,
    );
    assert.match(res.body, /\n {4}mkfs\.ext4: No space left on device/);
    assert.match(res.body, /\[29%\] point 29/);
  });

  test('a user who may not see the task gets 404, for the log and the download', async () => {
    const { headers } = await t.userWith('outsider', [
      { role: 'operator', scope: 'tag', scopeValue: 'other' },
    ]);
    for (const url of [`/api/v1/tasks/${taskId}/log`, `/api/v1/tasks/${taskId}/log/download`]) {
      const res = await t.inject({ url, headers });
      assert.equal(res.statusCode, 404, `${url}: ${res.body}`);
    }
  });

  test('bad paging parameters are a 400 naming the field; an unknown task is 404', async () => {
    for (const [query, field] of [
      ['?after=-1', 'after'],
      ['?limit=0', 'limit'],
      ['?limit=1001', 'limit'],
      ['?page=2', 'page'],
    ] as const) {
      const res = await getLog(query);
      assert.equal(res.statusCode, 400, `${query}: ${res.body}`);
      assert.match(JSON.stringify(res.json<ErrorBody>().error), new RegExp(field));
    }
    const missing = await t.inject({ url: '/api/v1/tasks/nope/log', headers: admin });
    assert.equal(missing.statusCode, 404);
  });
});
