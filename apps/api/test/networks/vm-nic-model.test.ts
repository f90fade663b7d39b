import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Instance, InstanceNics, Task } from '@berth/contracts';
import { startStack, type Stack } from '../harness.js';
import { act, buildTinyTemplate, createTinyVm, guest, waitForGuest } from '../vm-guest.js';
import { until } from '../wait.js';

type TaskReply = { task: Task };
/** Intel's 82574L, what QEMU's e1000e is, as the guest's PCI bus lists it. */
const E1000E = '0x8086:0x10d3';

/**
 * A VM NIC's model on the tiny guest: an e1000 NIC from the create is an e1000e on the guest's
 * PCI bus at the cold start, and one hot-plugged while it runs joins it there.
 */
describe('VM NIC models', () => {
  let stack: Stack;
  let vm: Instance;
  const pci = async () =>
    (
      await guest(stack, vm.id, [
        'sh',
        '-c',
        'for d in /sys/bus/pci/devices/*; do echo "$(cat $d/vendor):$(cat $d/device)"; done',
      ])
    ).stdout
      .split('\n')
      .filter((l) => l === E1000E).length;

  before(async () => {
    stack = await startStack('nicmodel');
    await buildTinyTemplate(stack);
    vm = await createTinyVm(stack, 'intel', {
      memoryMiB: 256,
      nics: [{ network: 'default', model: 'e1000' }],
    });
    await act(stack, vm.id, 'start');
    await waitForGuest(stack, vm.id);
  });
  after(async () => {
    if (vm) await stack?.call('DELETE', `/api/v1/instances/${vm.id}?force=true&sync=true`);
    await stack?.close();
  });

  test('an e1000 NIC from the create is an e1000e the guest sees on its PCI bus', async () => {
    const list = (await stack.call<InstanceNics>('GET', `/api/v1/instances/${vm.id}/nics`)).body;
    assert.deepEqual(
      list.nics.map((n) => n.model),
      ['e1000'],
    );
    assert.equal(await pci(), 1);
  });

  test('one hot-plugged with model e1000 joins it on the bus', async (t) => {
    const res = await stack.call<TaskReply>('POST', `/api/v1/instances/${vm.id}/nics?sync=true`, {
      network: 'default',
      model: 'e1000',
    });
    assert.equal(res.body.task?.status, 'succeeded', JSON.stringify(res.body));
    await until(
      'the guest to see a second e1000e',
      async () => ((await pci()) === 2 ? true : null),
      30_000,
    );
    const list = (await stack.call<InstanceNics>('GET', `/api/v1/instances/${vm.id}/nics`)).body;
    assert.deepEqual(
      list.nics.map((n) => n.model),
      ['e1000', 'e1000'],
    );
    // The tiny guest's kernel may have no e1000e driver: then the bus is all it shows.
    const driver = await guest(stack, vm.id, ['ls', '/sys/bus/pci/drivers/e1000e']);
    if (driver.exitCode !== 0) {
      t.diagnostic('the guest kernel has no e1000e driver: the NICs are seen on its PCI bus only');
      return;
    }
    const ifaces = await guest(stack, vm.id, ['ls', '/sys/class/net']);
    assert.equal(
      ifaces.stdout.split(/\s+/).filter((i) => i && i !== 'lo').length,
      2,
      ifaces.stdout,
    );
  });
});
