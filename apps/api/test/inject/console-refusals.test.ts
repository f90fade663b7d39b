import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import type { AuditEvent } from '@berth/contracts';
import type { WebSocket } from 'ws';
import { buildTestApi, type TestApi } from './build-test-api.js';

type Knock = { status: 101; close: { code: number; reason: string } } | { status: number };

// Issue 11, finding 7: bogus console tickets cannot flood the audit log.
describe('refused console attempts are rate-limited per address and aggregated', () => {
  let t: TestApi;
  let path: string;
  before(async () => {
    t = await buildTestApi({
      config: { consoleRefusalLimits: { perWindow: 5, windowSeconds: 1 } },
    });
    path = `/api/v1/instances/${t.agent.add({ kind: 'ct' }).id}/console/shell?ticket=made-up`;
  });
  after(() => t.close());

  const knock = async (): Promise<Knock> => {
    const app = t.app as unknown as {
      injectWS(path: string, upgradeContext: object): Promise<WebSocket>;
    };
    try {
      // The injected upgrade has no socket of its own: it is given the client address here.
      const ws = await app.injectWS(path, { socket: { remoteAddress: '127.0.0.1' } });
      const close = await new Promise<{ code: number; reason: string }>((resolve) =>
        ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
      );
      return { status: 101, close };
    } catch (err) {
      const status = /Unexpected server response: (\d+)/.exec((err as Error).message)?.[1];
      if (!status) throw err;
      return { status: Number(status) };
    }
  };

  const refusedRows = async () =>
    (
      await t.inject({
        url: '/api/v1/audit?limit=500&collapse=false',
        headers: await t.as('admin'),
      })
    )
      .json<{ items: AuditEvent[] }>()
      .items.filter((r) => r.action === 'console.refused');

  test('300 bogus tickets: 5 refusals audited one by one, the rest 429 and one row with a count', async () => {
    const answers: Knock[] = [];
    for (let i = 0; i < 300; i++) answers.push(await knock());
    const refused = answers.filter((a) => a.status === 101);
    assert.equal(refused.length, 5);
    for (const a of refused) assert.equal('close' in a && a.close.code, 4401);
    assert.ok(answers.slice(5).every((a) => a.status === 429));
    assert.equal((await refusedRows()).length, 5, 'no row per limited attempt');

    // The window ends: the limited attempts land as one row, and the address may knock again.
    await sleep(1300);
    const rows = await refusedRows();
    assert.equal(rows.length, 6);
    const summary = rows.find((r) => r.targetType === 'address');
    assert.equal(summary?.targetId, '127.0.0.1');
    assert.equal(summary?.outcome, 'denied');
    assert.equal(summary?.ip, '127.0.0.1');
    assert.deepEqual(summary?.detail, {
      count: 295,
      windowSeconds: 1,
      reason: 'too many refused console attempts',
    });
    const again = await knock();
    assert.equal(again.status, 101);
  });
});
