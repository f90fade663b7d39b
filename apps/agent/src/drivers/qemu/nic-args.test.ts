import assert from 'node:assert/strict';
import { test } from 'node:test';
import { qemuLine, qemuMachine } from '../../../test/qemu-machine.js';

const vm = qemuMachine({
  name: 'nics',
  boot: ['network', 'disk'],
  nics: [
    { tap: 'vt0f6a3c2e0', mac: '52:00:00:00:00:01' },
    { tap: 'vt0f6a3c2e2', mac: '52:00:00:00:00:03' },
  ],
});

test('a VM from before NIC hot-plug keeps its NICs on the root bus and gets no NIC ports', () => {
  // Its saved machine states (suspend, snapshots with memory) need the devices they were taken with.
  const line = qemuLine(vm);
  assert.ok(!line.includes('pcie-root-port,id=np'), line);
  assert.ok(
    line.includes(
      '-netdev tap,id=net0,ifname=vt0f6a3c2e0,script=no,downscript=no -device virtio-net-pci,netdev=net0,mac=52:00:00:00:00:01,id=nic0,bootindex=1 ',
    ),
    line,
  );
});

test('NICs are named by their number and, with NIC ports, sit on their own', () => {
  const line = qemuLine({ ...vm, nicPorts: true });
  for (let n = 0; n < 8; n++) {
    assert.ok(line.includes(`pcie-root-port,id=np${n},chassis=${16 + n},slot=${16 + n}`), line);
  }
  // NIC 1 was removed: NIC 2 keeps its names and port, so a live plug and a cold start agree.
  assert.ok(
    line.includes(
      '-netdev tap,id=net2,ifname=vt0f6a3c2e2,script=no,downscript=no -device virtio-net-pci,netdev=net2,mac=52:00:00:00:00:03,id=nic2,bus=np2 ',
    ),
    line,
  );
  assert.ok(line.indexOf('id=np2,') < line.indexOf('bus=np2'), 'the port comes before its NIC');
});

test('an e1000 NIC is an e1000e (PCIe, for q35) on its port; virtio ones stay as they were', () => {
  const line = qemuLine({
    ...vm,
    nicPorts: true,
    nics: [vm.nics[0]!, { ...vm.nics[1]!, model: 'e1000' }],
  });
  assert.ok(line.includes('-device virtio-net-pci,netdev=net0,'), line);
  assert.ok(
    line.includes('-device e1000e,netdev=net2,mac=52:00:00:00:00:03,id=nic2,bus=np2 '),
    line,
  );
});
