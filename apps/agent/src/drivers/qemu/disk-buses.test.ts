import assert from 'node:assert/strict';
import { test } from 'node:test';
import { qemuLine, qemuMachine } from '../../../test/qemu-machine.js';
import { ahciUsed } from './disk-buses.js';

const base = qemuMachine({
  name: 'bus',
  disks: [{ file: 'disk0.qcow2' }, { file: 'disk1.qcow2' }],
  cdrom: 'boot.iso',
  boot: ['cdrom', 'disk'],
});

test('a record from before buses and CD drives gets the command line it always had', () => {
  // Saved machine states (suspend, snapshots with memory) need the same devices to load.
  const line = qemuLine(base);
  assert.ok(
    line.includes(
      '-drive file=/vms/x/disk0.qcow2,if=none,id=disk0,format=qcow2,cache=writeback,discard=unmap -device virtio-blk-pci,drive=disk0,id=vdisk0,bootindex=2 ' +
        '-drive file=/vms/x/disk1.qcow2,if=none,id=disk1,format=qcow2,cache=writeback,discard=unmap -device virtio-blk-pci,drive=disk1,id=vdisk1,bus=hp1 ' +
        '-drive if=none,id=cd0,media=cdrom,readonly=on,file=/isos/boot.iso,format=raw -device ide-cd,drive=cd0,id=cdrom0,bus=ide.0,bootindex=1 ',
    ),
    line,
  );
  assert.doesNotMatch(line, /scsi|ide-hd|cd1/);
});

test('scsi and sata disks: one scsi controller, AHCI ports after the CD drives, bootindex on any bus', () => {
  const line = qemuLine({
    ...base,
    disks: [
      { file: 'disk0.qcow2', bus: 'sata', cache: 'none' },
      { file: 'disk1.qcow2', bus: 'scsi', cache: 'writethrough' },
      { file: 'disk2.qcow2', bus: 'scsi' },
      { file: 'disk3.qcow2', bus: 'ide', cache: 'unsafe' },
    ],
    cdrom: null,
    cdroms: [
      { drive: 2, iso: 'two.iso' },
      { drive: 1, iso: null },
    ],
  });
  assert.equal(line.match(/virtio-scsi-pci,id=scsi0/g)?.length, 1);
  assert.match(
    line,
    /id=disk0,format=qcow2,cache=none,.* -device ide-hd,drive=disk0,id=vdisk0,bus=ide\.3,bootindex=2/,
  );
  assert.match(
    line,
    /cache=writethrough,.* -device scsi-hd,drive=disk1,id=vdisk1,bus=scsi0\.0,channel=0,scsi-id=1,lun=0 /,
  );
  assert.match(line, /scsi-hd,drive=disk2,id=vdisk2,bus=scsi0\.0,channel=0,scsi-id=2,lun=0 /);
  assert.match(line, /cache=unsafe,.* -device ide-hd,drive=disk3,id=vdisk3,bus=ide\.4 /);
  // Drive 0 is empty: the boot order's cdrom is the first drive holding media.
  assert.match(line, /ide-cd,drive=cd0,id=cdrom0,bus=ide\.0 /);
  assert.match(line, /ide-cd,drive=cd1,id=cdrom1,bus=ide\.1 /);
  assert.match(
    line,
    /file=\/isos\/two\.iso,format=raw -device ide-cd,drive=cd2,id=cdrom2,bus=ide\.2,bootindex=1/,
  );
});

test('AHCI ports: drive 0, the other CD drives and the sata and ide disks', () => {
  assert.equal(ahciUsed([{ file: 'disk0.qcow2' }], []), 1);
  assert.equal(
    ahciUsed(
      [
        { file: 'disk0.qcow2', bus: 'sata' },
        { file: 'disk1.qcow2', bus: 'ide' },
        { file: 'disk2.qcow2', bus: 'scsi' },
      ],
      [{ drive: 1, iso: null }],
    ),
    4,
  );
});
