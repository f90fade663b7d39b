import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import type {
  ErrorBody,
  FirewallSet,
  Instance,
  Network,
  NetworkFirewall,
  NetworkFirewallSettingsInput,
  Task,
} from '@berth/contracts';
import { startStack, type Stack } from '../harness.js';

type TaskReply = { task: Task };

const nft = (...args: string[]) => {
  try {
    return execFileSync('nft', args, { encoding: 'utf8', stdio: 'pipe' });
  } catch {
    return null;
  }
};
const tables = () =>
  (nft('list', 'tables', 'bridge') ?? '')
    .split('\n')
    .map((l) => l.trim().split(' ')[2] ?? '')
    .filter((t) => t.startsWith('berth_bt_nfw_fw_'));

/**
 * A network's rules and address sets on the real stack: two busybox containers on the stack's
 * network `default`; a network rule naming a set, the set changed, refused when in use, and the
 * agent killed between saving and loading.
 */
describe('network firewall rules and address sets with busybox containers', () => {
  let stack: Stack;
  const cts: Record<string, Instance> = {};
  const ips: Record<string, string> = {};

  const call = <T>(method: string, url: string, body?: unknown) =>
    stack.call<T & ErrorBody>(method, url, body);
  const ok = async <T>(method: string, url: string, body?: unknown, status = 200) => {
    const res = await call<T>(method, url, body);
    assert.equal(res.status, status, `${method} ${url}: ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const task = async (url: string, body?: unknown) => {
    const res = await call<TaskReply>('POST', url, body);
    assert.ok(res.status < 300, `${url}: ${JSON.stringify(res.body)}`);
    assert.equal(res.body.task.status, 'succeeded', JSON.stringify(res.body.task.error));
    return res.body.task;
  };
  const pings = async (from: string, to: string) =>
    (
      await ok<{ exitCode: number }>('POST', `/api/v1/instances/${cts[from]!.id}/exec`, {
        command: ['ping', '-c', '1', '-W', '2', ips[to]!],
        timeoutSeconds: 30,
      })
    ).exitCode === 0;
  const setNet = (body: NetworkFirewallSettingsInput) =>
    ok<NetworkFirewall>('PUT', '/api/v1/networks/default/firewall', body);
  const getNet = () => ok<NetworkFirewall>('GET', '/api/v1/networks/default/firewall');

  before(async () => {
    stack = await startStack('nfw');
    for (const name of ['c1', 'c2']) {
      const t = await task('/api/v1/instances?sync=true', { template: 'busybox', name });
      cts[name] = t.result as Instance;
      await task(`/api/v1/instances/${cts[name].id}/actions/start?sync=true`);
    }
    const net = await ok<Network>('GET', '/api/v1/networks/default');
    for (const m of net.instances) ips[m.name] = m.ipv4!.split('/')[0]!;
  });

  after(async () => {
    if (stack) {
      for (const ct of Object.values(cts)) {
        await call('DELETE', `/api/v1/instances/${ct.id}?force=true&sync=true`);
      }
      await stack.close();
    }
    for (const t of tables()) nft('delete', 'table', 'bridge', t);
  });

  test("a network rule dropping ICMP from a set stops that container's pings, before the instance's own accept, and counts", async () => {
    assert.ok(await pings('c1', 'c2'));
    await ok<FirewallSet>(
      'POST',
      '/api/v1/firewall/sets',
      { name: 'noisy', addresses: [ips.c1] },
      201,
    );
    // c2's own rule accepts ICMP: the network's drop comes first and decides.
    await ok('PUT', `/api/v1/instances/${cts.c2!.id}/firewall`, {
      rules: [{ direction: 'in', action: 'accept', protocol: 'icmp' }],
    });
    const fw = await setNet({
      rules: [{ direction: 'in', action: 'drop', protocol: 'icmp', source: '@noisy' }],
    });
    assert.equal(fw.instances, 2);
    assert.equal(await pings('c1', 'c2'), false);
    const { counters } = await getNet();
    assert.ok(counters[0]!.packets >= 1, JSON.stringify(counters));
    for (const t of tables()) assert.match(nft('list', 'table', 'bridge', t) ?? '', /set noisy/);
    const set = await ok<FirewallSet>('GET', '/api/v1/firewall/sets/noisy');
    assert.deepEqual(set.usedBy.networks, ['default']);
  });

  test('the set changed to another address lets the pings through', async () => {
    const spare = ips.c1!.replace(/\.\d+$/, '.250');
    await ok('PUT', '/api/v1/firewall/sets/noisy', { addresses: [`${spare}/32`] });
    assert.ok(await pings('c1', 'c2'));
  });

  test('a set in use is not deleted: 409 naming the network, and it stays', async () => {
    const res = await call('DELETE', '/api/v1/firewall/sets/noisy');
    assert.equal(res.status, 409, JSON.stringify(res.body));
    assert.match(res.body.error.message, /network default/);
    await ok('GET', '/api/v1/firewall/sets/noisy');
  });

  test('the agent killed between saving a set and loading it: the next start has the rules in force', async () => {
    await stack.restartAgent({ env: { BERTH_AGENT_FAILPOINT: 'firewall.sets' } });
    const res = await call('PUT', '/api/v1/firewall/sets/noisy', { addresses: [ips.c1] });
    assert.ok(res.status >= 500, JSON.stringify(res.body));
    assert.equal((await stack.agent.exited).signal, 'SIGKILL');
    for (const t of tables()) {
      assert.match(nft('list', 'table', 'bridge', t) ?? '', /\.250/, 'the old set stands');
    }
    await stack.restartAgent({ env: {} });
    assert.equal(await pings('c1', 'c2'), false);
    assert.deepEqual((await ok<FirewallSet>('GET', '/api/v1/firewall/sets/noisy')).addresses, [
      ips.c1,
    ]);
  });

  test("the agent killed between saving a network's rules and loading them: the next start loads them", async () => {
    await stack.restartAgent({ env: { BERTH_AGENT_FAILPOINT: 'firewall.network' } });
    const res = await call('PUT', '/api/v1/networks/default/firewall', { rules: [] });
    assert.ok(res.status >= 500, JSON.stringify(res.body));
    assert.equal((await stack.agent.exited).signal, 'SIGKILL');
    for (const t of tables()) {
      assert.match(nft('list', 'table', 'bridge', t) ?? '', /@noisy/, 'the old rules stand');
    }
    await stack.restartAgent({ env: {} });
    assert.ok(await pings('c1', 'c2'));
    assert.deepEqual((await getNet()).rules, []);
    // Nothing names the set any more: it goes.
    await ok('DELETE', '/api/v1/firewall/sets/noisy', undefined, 204);
  });
});
