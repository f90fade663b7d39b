import assert from 'node:assert/strict';
import { test } from 'node:test';
import { qemuLine, qemuMachine } from '../../../test/qemu-machine.js';
import { DEFAULT_USB } from './devices.js';

const base = qemuMachine({
  name: 'ports',
});

test('a record from before ports and USB devices gets the command line it always had', () => {
  // Saved machine states (suspend, snapshots with memory) need the same devices to load.
  const line = qemuLine(base);
  assert.ok(
    line.includes(
      '-serial chardev:serial0 -chardev socket,id=qga0,path=/vms/x/qga,server=on,wait=off ' +
        '-device virtio-serial-pci,id=vser0 -device virtserialport,chardev=qga0,name=org.qemu.guest_agent.0 ' +
        '-device usb-ehci,id=usb -device usb-tablet,bus=usb.0 -device virtio-balloon-pci,id=balloon0',
    ),
    line,
  );
  assert.doesNotMatch(line, /isa-serial|isa-parallel|usb-kbd|usb-storage/);
  assert.equal(qemuLine({ ...base, ports: [], usb: DEFAULT_USB }), line);
});

test('ports sit at their COM/LPT numbers and USB devices at their EHCI ports', () => {
  const line = qemuLine({
    ...base,
    ports: [
      { name: 'serial2', target: 'file' },
      { name: 'serial1', target: 'socket' },
      { name: 'parallel0', target: 'file' },
    ],
    usb: [
      { name: 'usb3', kind: 'keyboard' },
      { name: 'usb2', kind: 'storage', file: 'usb2.qcow2' },
    ],
  });
  assert.doesNotMatch(line, /usb-tablet/);
  for (const part of [
    '-chardev file,id=serial2,path=/vms/x/serial2.log,append=on -device isa-serial,chardev=serial2,index=2,id=com2',
    '-chardev socket,id=serial1,path=/vms/x/serial1,server=on,wait=off -device isa-serial,chardev=serial1,index=1,id=com1',
    '-chardev file,id=parallel0,path=/vms/x/parallel0.log,append=on -device isa-parallel,chardev=parallel0,index=0,id=lpt0',
    '-device usb-kbd,bus=usb.0,port=3,id=usb3',
    '-drive file=/vms/x/usb2.qcow2,if=none,id=usbd2,format=qcow2 -device usb-storage,bus=usb.0,port=2,drive=usbd2,id=usb2',
  ]) {
    assert.ok(line.includes(part), part);
  }
});
