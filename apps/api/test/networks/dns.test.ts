import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import type { ErrorBody, Instance, Network } from '@berth/contracts';
import { startStack, type Stack } from '../harness.js';
import { execIn, runningContainer } from '../running-container.js';
import { until } from '../wait.js';

const dnsmasqServing = (record: string) =>
  execFileSync('ps', ['-eo', 'args='], { encoding: 'utf8' })
    .split('\n')
    .some((l) => l.startsWith('dnsmasq') && l.includes(`--host-record=${record}`));

/**
 * DNS names on a real network: its dnsmasq answers `<instance>.<domain>` on the gateway for
 * busybox containers on it, follows deletes, survives an agent killed between writing the names
 * and serving them, and stops answering when the domain is taken away.
 */
describe('DNS names for the instances of a network', () => {
  let stack: Stack;
  const o = 20 + Math.floor(Math.random() * 200);
  const GW = `10.216.${o}.1`;
  const DOMAIN = 'lab.internal';
  const cts: Record<string, Instance> = {};

  const call = <T>(method: string, url: string, body?: unknown) =>
    stack.call<T & ErrorBody>(method, url, body);
  /** The address c1 is told for a name, or null when the lookup fails. */
  const lookup = async (name: string): Promise<string | null> => {
    const res = await execIn(stack, cts.c1!.id, ['nslookup', name], 15);
    if (res.exitCode !== 0) return null;
    // busybox prints the server's address first, then the answer's.
    const answers = [...res.stdout.matchAll(/Address(?: \d+)?:\s+([0-9.]+)/g)].map((m) => m[1]);
    return answers.filter((a) => a !== GW).at(-1) ?? null;
  };
  const ipOf = async (name: string) => {
    const lab = (await call<Network>('GET', '/api/v1/networks/lab')).body;
    return lab.instances.find((m) => m.name === name)?.ipv4?.split('/')[0];
  };

  before(async () => {
    stack = await startStack('dns');
    const made = await call<Network>('POST', '/api/v1/networks', {
      name: 'lab',
      bridge: 'bt-dns-lab',
      ipv4: `${GW}/24`,
      nat: false,
      dnsDomain: DOMAIN,
    });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    assert.equal(made.body.dnsDomain, DOMAIN);
    for (const name of ['c1', 'c2']) {
      cts[name] = await runningContainer(stack, { name, network: 'lab' });
    }
  });
  after(async () => {
    for (const ct of Object.values(cts)) {
      await stack?.call('DELETE', `/api/v1/instances/${ct.id}?force=true&sync=true`);
    }
    await stack?.call('DELETE', '/api/v1/networks/lab');
    await stack?.close();
  });

  test('a bad domain is a 400 naming the field, and changes nothing', async () => {
    for (const dnsDomain of ['Lab.Internal', 'lab..internal', '-lab', 'a b', 'x'.repeat(64)]) {
      const res = await call('PATCH', '/api/v1/networks/lab', { dnsDomain });
      assert.equal(res.status, 400, dnsDomain);
      assert.match(JSON.stringify(res.body), /dnsDomain/);
    }
    assert.equal((await call<Network>('GET', '/api/v1/networks/lab')).body.dnsDomain, DOMAIN);
  });

  test('a container resolves another by its full and its short name, and pings it', async () => {
    const resolv = await execIn(stack, cts.c1!.id, ['cat', '/etc/resolv.conf']);
    assert.match(resolv.stdout, new RegExp(`^search ${DOMAIN}$`, 'm'));
    assert.match(resolv.stdout, new RegExp(`^nameserver ${GW}$`, 'm'));
    assert.equal(await lookup(`c2.${DOMAIN}`), await ipOf('c2'));
    assert.equal(await lookup('c2'), await ipOf('c2'));
    const ping = await execIn(stack, cts.c1!.id, ['ping', '-c', '1', '-W', '2', 'c2']);
    assert.equal(ping.exitCode, 0, ping.stdout + ping.stderr);
  });

  test('a deleted instance loses its name, also when the agent dies before serving that', async () => {
    await stack.restartAgent({ env: { BERTH_AGENT_FAILPOINT: 'network.names' } });
    const c2 = cts.c2!;
    const ipOf2 = await ipOf('c2');
    delete cts.c2;
    // The record goes first, then its event reaches the names: the agent dies after writing them.
    const deleting = call('DELETE', `/api/v1/instances/${c2.id}?force=true&sync=true`);
    const { signal } = await stack.agent.exited;
    assert.equal(signal, 'SIGKILL');
    // Its dnsmasq lives on with the old names; the next start must not adopt it as it is.
    assert.ok(dnsmasqServing(`c2.${DOMAIN},c2,${ipOf2}`), 'the old names are still served');
    await stack.restartAgent({ env: {} });
    await deleting;
    // A lookup also fails while a dnsmasq is being replaced: the names are right once c1 answers
    // and c2 does not, asked of the same dnsmasq.
    const ip1 = await ipOf('c1');
    await until(
      'c1 to be known and c2 not',
      async () => (await lookup(`c1.${DOMAIN}`)) === ip1 && (await lookup(`c2.${DOMAIN}`)) === null,
      30_000,
    );
    assert.equal(dnsmasqServing(`c2.${DOMAIN},c2,${ipOf2}`), false, 'no dnsmasq has c2');
  });

  test('without a domain the network answers no names', async () => {
    const res = await call<Network>('PATCH', '/api/v1/networks/lab', { dnsDomain: null });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.dnsDomain, null);
    await until('c1 to be unknown', async () => (await lookup(`c1.${DOMAIN}`)) === null, 20_000);
  });
});
