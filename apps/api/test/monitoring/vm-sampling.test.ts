import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Instance, MetricSeries, Task } from '@berth/contracts';
import { startStack, type Stack } from '../harness.js';
import { buildTinyTemplate } from '../vm-guest.js';
import { until } from '../wait.js';
import { pointsOf, type Point } from './points.js';

type TaskReply = { task: Task };
const MiB = 1024 * 1024;

/** A booting tiny VM is sampled from its QEMU process, its taps and QMP. */
describe('monitoring a real VM', () => {
  let stack: Stack;
  let vm: Instance | undefined;

  before(async () => {
    stack = await startStack('monvm');
    await buildTinyTemplate(stack);
  });
  after(async () => {
    if (vm) await stack?.call('DELETE', `/api/v1/instances/${vm.id}?force=true&sync=true`);
    await stack?.close();
  });

  test('a booting VM shows CPU, its memory size from the balloon and disk reads', async () => {
    const res = await stack.call<TaskReply>('POST', '/api/v1/instances?sync=true', {
      kind: 'vm',
      name: 'montiny',
      memoryMiB: 256,
      disks: [{ template: 'tiny-linux' }],
    });
    assert.equal(res.body.task.status, 'succeeded', JSON.stringify(res.body.task.error));
    vm = res.body.task.result as Instance;
    const start = await stack.call<TaskReply>(
      'POST',
      `/api/v1/instances/${vm.id}/actions/start?sync=true`,
    );
    assert.equal(start.body.task.status, 'succeeded', JSON.stringify(start.body.task.error));
    const points = async (): Promise<Point[]> =>
      pointsOf(
        (await stack.call<MetricSeries>('GET', `/api/v1/instances/${vm!.id}/metrics?range=1h`))
          .body,
      );
    const seen = await until(
      'samples of the booting VM',
      async () => {
        const p = await points();
        return p.some((x) => x.diskReadBps > 0) && p.length >= 2 ? p : undefined;
      },
      40_000,
    );
    assert.ok(
      seen.some((x) => x.cpuPct > 5),
      JSON.stringify(seen.map((x) => x.cpuPct)),
    );
    assert.equal(seen.at(-1)?.memLimitBytes, 256 * MiB);
    assert.ok((seen.at(-1)?.memBytes ?? 0) > 0);
    assert.equal(seen.at(-1)?.processes, null);
  });
});
