import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Instance, Task } from '@berth/contracts';
import { openDatabase } from '@berth/db';
import { loginAdmin, startApiProcess, type ApiProcess } from './api-process.js';
import { freePort } from './free-port.js';
import { stackCidr, startAgent, type Agent } from './harness.js';

/**
 * resilience.test.ts restarts the agent under a living API; this is the other way round: the API
 * process killed with -9 while a task runs on the agent, then started again on the same database.
 */
describe('the API killed mid-task', () => {
  let root: string;
  let agent: Agent;
  let api: ApiProcess;
  let token: string;
  const bridge = 'bt-apikill';
  const databaseFile = () => path.join(root, 'berth.db');

  before(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'berth-apikill-'));
    agent = await startAgent({
      dataDir: path.join(root, 'agent'),
      port: await freePort(),
      token: 'agent-token-apikill',
      bridge,
      cidr: stackCidr(),
    });
    api = await startApiProcess({ dataDir: root, databaseFile: databaseFile(), agent });
    ({ token } = await loginAdmin(api.baseUrl));
  });

  after(async () => {
    if (api?.alive()) {
      const list = await call<{ items: Instance[] }>('GET', '/api/v1/instances').catch(() => null);
      for (const i of list?.body.items ?? []) {
        await call('DELETE', `/api/v1/instances/${i.id}?force=true&sync=true`);
      }
      await api.stop();
    }
    await agent?.stop();
    // What the agent leaves up on purpose (containers outlive it) goes with the test.
    const dhcp = Number(readFileSync(path.join(root, 'agent', 'dnsmasq.pid'), 'utf8').trim() || 0);
    if (dhcp > 0) {
      try {
        process.kill(dhcp, 'SIGTERM');
      } catch {
        // already gone
      }
    }
    for (const args of [
      ['ip', 'link', 'del', bridge],
      ['nft', 'delete', 'table', 'ip', `berth_${bridge.replace(/-/g, '_')}`],
      ['nft', 'delete', 'table', 'inet', `berth_${bridge.replace(/-/g, '_')}_guard`],
    ]) {
      try {
        execFileSync(args[0] as string, args.slice(1), { stdio: 'ignore' });
      } catch {
        // already gone
      }
    }
    rmSync(root, { recursive: true, force: true });
  });

  async function call<T>(method: string, url: string, body?: unknown) {
    const res = await fetch(`${api.baseUrl}${url}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  test('a create running when the API dies ends with what the agent did, after a restart', async () => {
    // debian-12 takes seconds to unpack: long enough for the kill to land while the task runs.
    const res = await call<{ task: Task }>('POST', '/api/v1/instances', {
      template: 'debian-12',
      name: 'orphaned-by-api',
    });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    assert.equal(res.body.task.status, 'running');
    await api.kill9();
    assert.ok(!api.alive());
    const db = await openDatabase(`file:${databaseFile()}`);
    const stored = await db.task.findUniqueOrThrow({ where: { id: res.body.task.id } });
    await db.$disconnect();
    assert.equal(stored.status, 'running', 'killed while the task ran');

    // Same database, same agent: the new process must catch up from its stored task rows alone.
    api = await startApiProcess({ dataDir: root, databaseFile: databaseFile(), agent });
    let task: Task;
    do {
      task = (await call<Task>('GET', `/api/v1/tasks/${res.body.task.id}?wait=true`)).body;
    } while (task.status === 'running' || task.status === 'queued');
    assert.equal(task.status, 'succeeded', JSON.stringify(task.error));
    const made = task.result as Instance;
    const seen = await call<Instance>('GET', `/api/v1/instances/${made.id}`);
    assert.equal(seen.status, 200);
    assert.equal(seen.body.name, 'orphaned-by-api');

    // The audit row of the create follows its task too.
    const audit = await call<{ items: Array<{ taskId: string | null; outcome: string }> }>(
      'GET',
      '/api/v1/audit',
    );
    assert.equal(audit.body.items.find((e) => e.taskId === task.id)?.outcome, 'success');
  });
});
