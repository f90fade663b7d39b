import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Instance, MetricSeries } from '@berth/contracts';
import { startStack, type Stack } from '../harness.js';
import { execIn, runningContainer } from '../running-container.js';
import { until } from '../wait.js';
import { pointsOf, type Point } from './points.js';
import { udpFlood } from './flood.js';

/** The real agent samples a real busybox container; the API stores what it pulls. */
describe('monitoring on a real busybox container', () => {
  let stack: Stack;
  let ct: Instance;

  const points = async (): Promise<Point[]> => {
    const res = await stack.call<MetricSeries>(
      'GET',
      `/api/v1/instances/${ct.id}/metrics?range=1h`,
    );
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return pointsOf(res.body);
  };
  const exec = async (command: string[], timeoutSeconds = 30) => {
    const res = await execIn(stack, ct.id, command, timeoutSeconds);
    assert.equal(res.exitCode, 0, res.stderr);
  };

  before(async () => {
    stack = await startStack('monitor');
    ct = await runningContainer(stack, {
      name: `mon-${process.pid}`,
      limits: { cpu: { cap: 50 } },
    });
  });
  after(async () => {
    if (ct) await stack?.call('DELETE', `/api/v1/instances/${ct.id}?force=true&sync=true`);
    await stack?.close();
  });

  test('a busy loop under a 50 % cap shows 40–60 % within 15 s', async () => {
    const startedAt = Date.now();
    await exec(['sh', '-c', "setsid sh -c 'while :; do :; done' </dev/null >/dev/null 2>&1 &"]);
    const seen = await until(
      'a sample at the cap',
      async () => {
        const p = (await points()).filter((x) => x.t > startedAt + 5000);
        const last = p.at(-1);
        return last && last.cpuPct >= 40 ? last : undefined;
      },
      15_000,
    );
    assert.ok(seen.cpuPct <= 60, `cpu ${seen.cpuPct}%`);
    assert.ok(seen.cpuCapPct !== null && seen.cpuCapPct >= 80 && seen.cpuCapPct <= 120);
    assert.ok(seen.processes !== null && seen.processes >= 2);
    assert.ok(seen.memBytes > 0);
    await exec(['sh', '-c', 'pkill -f "while :" || killall sh || true']).catch(() => undefined);
  });

  test('a UDP flood from the host shows in the network bytes received', async () => {
    const ip = ct.ips[0]?.split('/')[0];
    assert.ok(ip, 'the container has an address');
    const startedAt = Date.now();
    await udpFlood(ip);
    const rx = await until(
      'the flood in the samples',
      async () => {
        const sum = (await points())
          .filter((x) => x.t > startedAt)
          .reduce((a, x) => a + x.netRxBps * 5, 0);
        return sum >= 3e6 ? sum : undefined;
      },
      20_000,
    );
    assert.ok(rx < 2e7, `${rx} bytes in`);
  });

  test('a dd shows in disk write bytes', async () => {
    const startedAt = Date.now();
    await exec(['dd', 'if=/dev/zero', 'of=/root/fill', 'bs=1M', 'count=64', 'oflag=direct'], 60);
    const written = await until(
      'the writes in the samples',
      async () => {
        const sum = (await points())
          .filter((x) => x.t > startedAt)
          .reduce((a, x) => a + x.diskWriteBps * 5, 0);
        return sum >= 32 * 1024 * 1024 ? sum : undefined;
      },
      20_000,
    );
    assert.ok(written >= 32 * 1024 * 1024, `${written} bytes`);
  });
});
