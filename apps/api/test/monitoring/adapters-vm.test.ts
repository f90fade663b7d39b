import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { AdapterSeries, Host, Instance } from '@berth/contracts';
import { startStack, type Stack } from '../harness.js';
import { act, buildTinyTemplate, createTinyVm, waitForGuest } from '../vm-guest.js';
import { until } from '../wait.js';
import { parseProm } from './samples.js';
import { udpFlood } from './flood.js';

/** Bytes an adapter received after `fromMs`: each 5 s rate times its step. */
const receivedSince = (s: AdapterSeries, adapter: string, fromMs: number) => {
  const a = s.adapters.find((x) => x.adapter === adapter);
  if (!a) return 0;
  return a.t.reduce((sum, t, i) => (t > fromMs ? sum + (a.values.rxBps[i] ?? 0) * 5 : sum), 0);
};

/**
 * A real VM with two NICs on one network: a flood to the address of its first NIC shows in
 * net0's series and hardly in net1's (which sees only the bridge's broadcasts).
 */
describe('monitoring per adapter on a real VM with two NICs', () => {
  let stack: Stack;
  let vm: Instance | undefined;

  before(async () => {
    stack = await startStack('monad');
    await buildTinyTemplate(stack);
  });
  after(async () => {
    if (vm) await stack?.call('DELETE', `/api/v1/instances/${vm.id}?force=true&sync=true`);
    await stack?.close();
  });

  test("a UDP flood to net0's address shows in net0's series, not net1's; /metrics has both", async () => {
    vm = await createTinyVm(stack, 'monad', {
      memoryMiB: 256,
      nics: [{ network: 'default' }, { network: 'default' }],
    });
    await act(stack, vm.id, 'start');
    await waitForGuest(stack, vm.id);
    // The guest's DHCP client asks on its first adapter only: the address is net0's.
    const ip = await until(
      "the guest's address",
      async () =>
        (await stack.call<Instance>('GET', `/api/v1/instances/${vm!.id}`)).body.ips[0]?.split(
          '/',
        )[0],
      90_000,
      1000,
    );
    const series = async () => {
      const res = await stack.call<AdapterSeries>(
        'GET',
        `/api/v1/instances/${vm!.id}/metrics/adapters?range=1h`,
      );
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body;
    };
    await until(
      'both adapters sampled',
      async () => (await series()).adapters.length === 2,
      30_000,
      1000,
    );

    const startedAt = Date.now();
    await udpFlood(ip);
    // The host must first learn net0's MAC over ARP, and the guest's firewall lets its answers
    // out only once it has seen the lease, a moment after the guest has it: while the host's ARP
    // is unanswered the flood is dropped on the host, so it is sent again (at most twice more).
    let floods = 1;
    const got = await until(
      'the flood in net0',
      async () => {
        const s = await series();
        if (receivedSince(s, 'net0', startedAt) >= 3e6) return s;
        if (floods < 3 && Date.now() - startedAt > floods * 10_000) {
          floods++;
          await udpFlood(ip);
        }
        return undefined;
      },
      40_000,
      1000,
    );
    const net0 = receivedSince(got, 'net0', startedAt);
    const net1 = receivedSince(got, 'net1', startedAt);
    assert.ok(net0 < 2e7, `${net0} bytes into net0`);
    assert.ok(net1 < net0 / 20, `net1 received ${net1} bytes beside net0's ${net0}`);
    assert.deepEqual(
      got.adapters.map((a) => a.adapter),
      ['net0', 'net1'],
    );

    const scrape = await fetch(`${stack.baseUrl}/metrics`, {
      headers: { authorization: `Bearer ${stack.token}` },
    });
    assert.equal(scrape.status, 200);
    const prom = parseProm(await scrape.text());
    const adapters = prom
      .filter(
        (s) =>
          s.name === 'berth_instance_adapter_network_receive_bytes_per_second' &&
          s.labels.instance_id === vm!.id,
      )
      .map((s) => s.labels.adapter)
      .sort();
    assert.deepEqual(adapters, ['net0', 'net1']);

    // The host's own adapters are sampled too (those with a device behind them).
    const host = (await stack.call<{ items: Host[] }>('GET', '/api/v1/hosts')).body.items[0]!;
    const hostSeries = await stack.call<AdapterSeries>(
      'GET',
      `/api/v1/hosts/${host.id}/metrics/adapters`,
    );
    assert.equal(hostSeries.status, 200, JSON.stringify(hostSeries.body));
    for (const a of hostSeries.body.adapters)
      assert.doesNotMatch(a.adapter, /^(lo|veth|vc|vt|tap|bt-|ifb)/, a.adapter);
  });
});
