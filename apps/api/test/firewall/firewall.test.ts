import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Firewall, FirewallSettingsInput } from '@berth/contracts';
import { connect } from 'node:net';
import { containerPair, nft } from './container-pair.js';

/** What a connect from the host met: a reset, a connection, or silence for 2 s. */
const hostConnect = (host: string, port: number) =>
  new Promise<string>((resolve) => {
    const socket = connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve('timeout');
    }, 2000);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve(err.code ?? err.message);
    });
  });
/** An exec into a container costs its own time, on top of what the command waits. */
const EXEC_SLACK_MS = 1500;

/**
 * Instance firewalls on the real stack: two busybox containers on the stack's bridge; traffic
 * only between them. Rules, counters, spoofing protection, an agent kill -9 and a delete.
 */
describe("an instance's firewall with busybox containers", () => {
  const pair = containerPair('fw');
  const { cts, ips, call, ok, sh, pings, tables } = pair;
  const connects = async (from: string, to: string, port: number) =>
    (await sh(from, `echo hi | nc -w 2 ${ips[to]} ${port}`)) === 0;
  /** Refused (a reset came back) within a second, not timed out. */
  const refused = async (from: string, to: string, port: number) => {
    const started = Date.now();
    const code = await sh(from, `nc -w 5 ${ips[to]} ${port} </dev/null 2>&1 | grep -q refused`);
    return code === 0 && Date.now() - started < 1000 + EXEC_SLACK_MS;
  };
  const setFw = (ct: string, body: FirewallSettingsInput) =>
    ok<Firewall>('PUT', `/api/v1/instances/${cts[ct]!.id}/firewall`, body);
  const getFw = (ct: string) => ok<Firewall>('GET', `/api/v1/instances/${cts[ct]!.id}/firewall`);

  before(async () => {
    await pair.setUp();
    // Two listeners in c2, each answering one connection after another.
    await sh(
      'c2',
      'for p in 8001 8002; do (while true; do echo ok | nc -l -p $p; done) </dev/null >/dev/null 2>&1 & done',
    );
  });
  after(() => pair.tearDown());

  test('spoofing protection is on by default, the table is there, pings pass', async () => {
    const fw = await getFw('c2');
    assert.equal(fw.antiSpoofing, true);
    assert.equal(tables().length, 2);
    assert.ok(await pings('c1', 'c2'));
  });

  test('a drop rule stops pings and its counter grows; without it they pass', async () => {
    const fw = await setFw('c2', {
      rules: [{ direction: 'in', action: 'drop', protocol: 'icmp', source: `${ips.c1}/32` }],
    });
    assert.equal(fw.rules.length, 1);
    assert.equal(await pings('c1', 'c2'), false);
    const { counters } = await getFw('c2');
    assert.ok(counters[0]!.packets >= 1, JSON.stringify(counters));
    await setFw('c2', { rules: [] });
    assert.ok(await pings('c1', 'c2'));
  });

  test('reject answers at once where drop is silent: from the other container, from the host, outbound; counted', async () => {
    await setFw('c2', {
      rules: [{ direction: 'in', action: 'reject', protocol: 'tcp', ports: ['8002'] }],
    });
    assert.ok(await refused('c1', 'c2', 8002), 'c1 is refused at once');
    assert.equal(await hostConnect(ips.c2!, 8002), 'ECONNREFUSED', 'the host is refused at once');
    assert.ok(await connects('c1', 'c2', 8001), 'another port still answers');
    const { counters, table } = await getFw('c2');
    assert.ok(counters[0]!.packets >= 2, JSON.stringify(counters));
    // Drop, for contrast: nothing comes back and the client waits out its timeout.
    await setFw('c2', {
      rules: [{ direction: 'in', action: 'drop', protocol: 'tcp', ports: ['8002'] }],
    });
    assert.equal(await hostConnect(ips.c2!, 8002), 'timeout');
    assert.equal(nft('list', 'table', 'inet', table!), null, 'no reject, no inet table');
    await setFw('c2', {});
    await setFw('c1', {
      rules: [{ direction: 'out', action: 'reject', protocol: 'tcp', ports: ['8001'] }],
    });
    assert.ok(await refused('c1', 'c2', 8001), 'c1 is refused by its own outbound rule');
    assert.ok(await connects('c1', 'c2', 8002));
    assert.ok((await getFw('c1')).counters[0]!.packets >= 1);
    await setFw('c1', {});
    assert.ok(await connects('c1', 'c2', 8001));
  });

  test('a port rule blocks one port and not another; a default drop inbound stops the rest', async () => {
    assert.ok(await connects('c1', 'c2', 8001));
    assert.ok(await connects('c1', 'c2', 8002));
    await setFw('c2', {
      rules: [{ direction: 'in', action: 'drop', protocol: 'tcp', ports: ['8002'] }],
    });
    assert.ok(await connects('c1', 'c2', 8001));
    assert.equal(await connects('c1', 'c2', 8002), false);
    await setFw('c2', {
      policy: { in: 'drop', out: 'accept' },
      rules: [{ direction: 'in', action: 'accept', protocol: 'tcp', ports: ['8001'] }],
    });
    assert.ok(await connects('c1', 'c2', 8001));
    assert.equal(await pings('c1', 'c2'), false);
    await setFw('c2', {});
  });

  test('a container sending from an address it was not given is dropped; with protection off it passes', async () => {
    const spare = ips.c1!.replace(/\.\d+$/, '.250');
    assert.equal(await sh('c1', `ip addr add ${spare}/24 dev eth0`), 0);
    assert.equal(await pings('c1', 'c2', `-I ${spare}`), false);
    await setFw('c1', { antiSpoofing: false });
    assert.ok(await pings('c1', 'c2', `-I ${spare}`));
    await setFw('c1', {});
    assert.equal(await pings('c1', 'c2', `-I ${spare}`), false);
    assert.ok(await pings('c1', 'c2'));
  });

  test('after an agent kill -9 with the table deleted by hand, the rules are in force again', async () => {
    await setFw('c2', { rules: [{ direction: 'in', action: 'drop', protocol: 'icmp' }] });
    const { table } = await getFw('c2');
    assert.ok(nft('delete', 'table', 'bridge', table!) !== null);
    assert.ok(await pings('c1', 'c2'));
    // The table of an instance deleted while no agent ran: the start finds and drops it.
    // Its name ends in an id prefix of 8 characters, as every instance table's does.
    const stale = `${table!.slice(0, -8)}0dead0ff`;
    assert.ok(nft('add', 'table', 'bridge', stale) !== null);
    await pair.stack.restartAgent({ kill: true });
    assert.ok(nft('list', 'table', 'bridge', table!));
    assert.equal(nft('list', 'table', 'bridge', stale), null, `${stale} is gone`);
    assert.equal(await pings('c1', 'c2'), false);
    assert.equal((await getFw('c2')).rules.length, 1);
  });

  test('the agent killed between saving and loading: the next start loads what was saved', async () => {
    await setFw('c2', {});
    assert.ok(await pings('c1', 'c2'));
    await pair.stack.restartAgent({ env: { BERTH_AGENT_FAILPOINT: 'firewall.set' } });
    const res = await call('PUT', `/api/v1/instances/${cts.c2!.id}/firewall`, {
      rules: [{ direction: 'in', action: 'drop', protocol: 'icmp' }],
    });
    assert.ok(res.status >= 500, JSON.stringify(res.body));
    const { signal } = await pair.stack.agent.exited;
    assert.equal(signal, 'SIGKILL');
    await pair.stack.restartAgent({ env: {} });
    assert.equal(await pings('c1', 'c2'), false);
    assert.equal((await getFw('c2')).rules.length, 1);
  });

  test('deleting an instance removes its table', async () => {
    const { table } = await getFw('c2');
    await call('DELETE', `/api/v1/instances/${cts.c2!.id}?force=true&sync=true`);
    delete cts.c2;
    for (let i = 0; i < 20 && tables().includes(table!); i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(tables().includes(table!), false);
  });
});
