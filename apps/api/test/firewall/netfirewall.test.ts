import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FirewallSet, NetworkFirewall, NetworkFirewallSettingsInput } from '@berth/contracts';
import { containerPair, nft } from './container-pair.js';

/**
 * A network's rules and address sets on the real stack: two busybox containers on the stack's
 * network `default`; a network rule naming a set, the set changed, refused when in use, and the
 * agent killed between saving and loading.
 */
describe('network firewall rules and address sets with busybox containers', () => {
  const pair = containerPair('nfw');
  const { cts, ips, call, ok, pings, tables } = pair;
  const setNet = (body: NetworkFirewallSettingsInput) =>
    ok<NetworkFirewall>('PUT', '/api/v1/networks/default/firewall', body);
  const getNet = () => ok<NetworkFirewall>('GET', '/api/v1/networks/default/firewall');

  before(() => pair.setUp());
  after(() => pair.tearDown());

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
    await pair.stack.restartAgent({ env: { BERTH_AGENT_FAILPOINT: 'firewall.sets' } });
    const res = await call('PUT', '/api/v1/firewall/sets/noisy', { addresses: [ips.c1] });
    assert.ok(res.status >= 500, JSON.stringify(res.body));
    assert.equal((await pair.stack.agent.exited).signal, 'SIGKILL');
    for (const t of tables()) {
      assert.match(nft('list', 'table', 'bridge', t) ?? '', /\.250/, 'the old set stands');
    }
    await pair.stack.restartAgent({ env: {} });
    assert.equal(await pings('c1', 'c2'), false);
    assert.deepEqual((await ok<FirewallSet>('GET', '/api/v1/firewall/sets/noisy')).addresses, [
      ips.c1,
    ]);
  });

  test("the agent killed between saving a network's rules and loading them: the next start loads them", async () => {
    await pair.stack.restartAgent({ env: { BERTH_AGENT_FAILPOINT: 'firewall.network' } });
    const res = await call('PUT', '/api/v1/networks/default/firewall', { rules: [] });
    assert.ok(res.status >= 500, JSON.stringify(res.body));
    assert.equal((await pair.stack.agent.exited).signal, 'SIGKILL');
    for (const t of tables()) {
      assert.match(nft('list', 'table', 'bridge', t) ?? '', /@noisy/, 'the old rules stand');
    }
    await pair.stack.restartAgent({ env: {} });
    assert.ok(await pings('c1', 'c2'));
    assert.deepEqual((await getNet()).rules, []);
    // Nothing names the set any more: it goes.
    await ok('DELETE', '/api/v1/firewall/sets/noisy', undefined, 204);
  });
});
