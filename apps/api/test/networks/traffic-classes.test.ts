import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import type {
  ClassCounter,
  ExecResult,
  Instance,
  InstanceTraffic,
  NetworkClasses,
} from '@berth/contracts';
import { apiCalls } from '../api-calls.js';
import { startStack, type Stack } from '../harness.js';
import { assertCounted } from './counted.js';

const host = (...args: string[]) =>
  execFileSync(args[0] as string, args.slice(1), { stdio: 'pipe' });
const quiet = (...args: string[]) => {
  try {
    host(...args);
  } catch {
    // already gone
  }
};

/** Echo requests of this many data bytes: 1400 + 8 (ICMP) + 20 (IP) = 1428 IP bytes each. */
const DATA = 1400;
const IP_BYTES = DATA + 28;
const COUNT = 400;

/**
 * Traffic by network class on the real stack: busybox container A pings container B on its
 * network (class local) and a namespace behind NAT playing the outside world (class world),
 * a fixed number of fixed-size echo requests each. Counted bytes are IP bytes (IP and ICMP
 * headers in, Ethernet out), compared with the IP bytes of what was sent; the echo replies
 * are what A gets.
 */
describe('traffic counted per network class', () => {
  let stack: Stack;
  const o = 20 + Math.floor(Math.random() * 200);
  const SUBNET = `10.218.${o}.0/24`;
  const OUT = `10.228.${o}`;
  const NS = 'bt-tcls-out';
  const V0 = 'bt-tcls-o0';
  const V1 = 'bt-tcls-o1';
  const BRIDGE = 'bt-tcls-a';
  const cts: Record<string, Instance> = {};

  const { call, ok, task } = apiCalls(() => stack);
  const create = async (name: string, networkMode?: 'routed') => {
    const t = await task('/api/v1/instances?sync=true', {
      template: 'busybox',
      name,
      network: 'tca',
      ...(networkMode && { networkMode }),
    });
    cts[name] = t.result as Instance;
    await task(`/api/v1/instances/${cts[name].id}/actions/start?sync=true`);
  };
  const exec = (ct: string, command: string[]) =>
    ok<ExecResult>('POST', `/api/v1/instances/${cts[ct]!.id}/exec`, {
      command,
      timeoutSeconds: 60,
    });
  /** A container's pings (a's unless named): all answered, or the test's numbers are off. */
  const ping = async (ip: string, from = 'a') => {
    const res = await exec(from, ['ping', '-A', '-q', '-c', String(COUNT), '-s', String(DATA), ip]);
    assert.equal(res.exitCode, 0, JSON.stringify(res));
    assert.match(res.stdout ?? '', new RegExp(`${COUNT} packets received`));
  };
  const traffic = async (ct = 'a') => {
    const { live } = await ok<InstanceTraffic>('GET', `/api/v1/instances/${cts[ct]!.id}/traffic`);
    assert.ok(live, `${ct} has class counters`);
    return new Map(live.classes.map((c) => [c.class, c]));
  };
  const classes = (body: NetworkClasses) =>
    ok<NetworkClasses>('PUT', '/api/v1/network-classes', body);
  let b = '';

  before(async () => {
    stack = await startStack('tcls');
    await ok(
      'POST',
      '/api/v1/networks',
      { name: 'tca', bridge: BRIDGE, ipv4: `10.218.${o}.1/24` },
      201,
    );
    await create('a');
    await create('b');
    const members = await ok<{ instances: { name: string; ipv4: string | null }[] }>(
      'GET',
      '/api/v1/networks/tca',
    );
    b = members.instances.find((i) => i.name === 'b')!.ipv4!.split('/')[0]!;
    // The outside world: a namespace behind a veth pair with no route back to the network, so
    // only masqueraded traffic gets an answer.
    host('ip', 'netns', 'add', NS);
    host('ip', 'link', 'add', V0, 'type', 'veth', 'peer', 'name', V1);
    host('ip', 'link', 'set', V1, 'netns', NS);
    host('ip', 'addr', 'add', `${OUT}.1/24`, 'dev', V0);
    host('ip', 'link', 'set', V0, 'up');
    host('ip', 'netns', 'exec', NS, 'ip', 'addr', 'add', `${OUT}.2/24`, 'dev', V1);
    host('ip', 'netns', 'exec', NS, 'ip', 'link', 'set', V1, 'up');
  });

  after(async () => {
    if (stack) {
      for (const ct of Object.values(cts)) {
        await call('DELETE', `/api/v1/instances/${ct.id}?force=true&sync=true`);
      }
      await call('DELETE', '/api/v1/networks/tca');
      await stack.close();
    }
    quiet('ip', 'netns', 'del', NS);
    quiet('ip', 'link', 'del', V0);
    quiet('ip', 'link', 'del', BRIDGE);
    quiet('nft', 'delete', 'table', 'ip', `berth_${BRIDGE.replace(/-/g, '_')}`);
    quiet('nft', 'delete', 'table', 'inet', `berth_${BRIDGE.replace(/-/g, '_')}_guard`);
  });

  test('bytes sent to and got from each class match what was sent within 5 %', async () => {
    await classes({
      classes: [
        { name: 'local', ranges: [SUBNET] },
        { name: 'world', ranges: ['0.0.0.0/0'] },
      ],
    });
    const zero = await traffic();
    assert.deepEqual([...zero.keys()], ['local', 'world', 'other']);
    await ping(b);
    await ping(`${OUT}.2`);
    const t = await traffic();
    const sent = COUNT * IP_BYTES;
    const local = t.get('local') as ClassCounter;
    const world = t.get('world') as ClassCounter;
    assertCounted('local out', local.outBytes - zero.get('local')!.outBytes, sent);
    assertCounted('local in', local.inBytes - zero.get('local')!.inBytes, sent);
    assertCounted('world out', world.outBytes - zero.get('world')!.outBytes, sent);
    assertCounted('world in', world.inBytes - zero.get('world')!.inBytes, sent);
    // world holds every address: nothing is left for other.
    assert.equal(t.get('other')!.outBytes, 0);
  });

  test('a host-routed container is counted too (in its inet table), within 5 %', async () => {
    await create('r', 'routed');
    const zero = await traffic('r');
    await ping(b, 'r');
    await ping(`${OUT}.2`, 'r');
    const t = await traffic('r');
    const sent = COUNT * IP_BYTES;
    for (const cls of ['local', 'world'] as const) {
      const now = t.get(cls)!;
      const before = zero.get(cls)!;
      assertCounted(`routed ${cls} out`, now.outBytes - before.outBytes, sent);
      assertCounted(`routed ${cls} in`, now.inBytes - before.inBytes, sent);
    }
  });

  test('/metrics has the class series', async () => {
    const res = await fetch(`${stack.baseUrl}/metrics`, {
      headers: { authorization: `Bearer ${stack.token}` },
    });
    const text = await res.text();
    assert.match(
      text,
      new RegExp(
        `berth_instance_class_bytes_total\\{instance_id="${cts.a!.id}",name="[^"]*",class="local",direction="out"\\} [1-9]`,
      ),
    );
  });

  test('the agent killed between saving classes and re-making tables counts with the saved ones', async () => {
    await stack.restartAgent({ env: { BERTH_AGENT_FAILPOINT: 'firewall.classes' } });
    const res = await call('PUT', '/api/v1/network-classes', {
      classes: [{ name: 'near', ranges: [SUBNET] }],
    });
    assert.ok(res.status >= 500, JSON.stringify(res.body));
    const { signal } = await stack.agent.exited;
    assert.equal(signal, 'SIGKILL');
    await stack.restartAgent({ env: {} });
    assert.deepEqual(await ok<NetworkClasses>('GET', '/api/v1/network-classes'), {
      classes: [{ name: 'near', ranges: [SUBNET] }],
    });
    await ping(b);
    await ping(`${OUT}.2`);
    const t = await traffic();
    assert.deepEqual([...t.keys()], ['near', 'other']);
    assertCounted('near out after restart', t.get('near')!.outBytes, COUNT * IP_BYTES);
    assertCounted('other out after restart', t.get('other')!.outBytes, COUNT * IP_BYTES);
  });
});
