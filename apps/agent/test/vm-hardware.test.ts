import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { OVMF_VARS, qemuArgs, vmPaths } from '../src/drivers/qemu/cmdline.js';
import { ensureEfiVars } from '../src/drivers/qemu/ovmf.js';
import { cpuModels, q35Machines } from '../src/instances/vm-hardware.js';
import { pendingChanges, startSettings, type VmRecord } from '../src/instances/vm-record.js';

const help = (what: string) =>
  execFileSync('qemu-system-x86_64', [what, 'help'], { encoding: 'utf8' });

const record = (over: Partial<VmRecord> = {}): VmRecord => ({
  id: '11111111-1111-4111-8111-111111111111',
  name: 'vm',
  vcpus: 1,
  memoryMiB: 256,
  disks: [{ file: 'disk0.qcow2', template: null }],
  cdrom: null,
  boot: ['disk', 'cdrom'],
  nics: [],
  onboot: false,
  description: '',
  tags: [],
  createdAt: new Date(0).toISOString(),
  suspended: false,
  ...over,
});

describe('VM start settings', () => {
  test("this QEMU's q35 machines and x86 CPU models are read from its help", () => {
    const machines = q35Machines(help('-machine'));
    assert.ok(machines.includes('q35'));
    assert.ok(machines.some((m) => /^pc-q35-\d+\.\d+$/.test(m)));
    assert.ok(!machines.some((m) => m.startsWith('pc-i440fx') || m === 'pc'));
    const cpus = cpuModels(help('-cpu'));
    for (const m of ['max', 'qemu64', 'Nehalem']) assert.ok(cpus.includes(m), m);
  });

  test('an old record starts as bios, q35, the default CPU; pending lists only what differs', () => {
    const vm = record();
    assert.deepEqual(startSettings(vm), {
      firmware: 'bios',
      machine: 'q35',
      cpuModel: null,
      boot: ['disk', 'cdrom'],
      vcpus: 1,
      memoryMiB: 256,
      // What an old record has of the devices added since: its disk as it always was, drive 0,
      // no extra ports, the tablet.
      disks: [{ file: 'disk0.qcow2', bus: 'virtio', cache: 'writeback' }],
      cdDrives: [0],
      ports: [],
      usb: [{ name: 'tablet', kind: 'tablet' }],
    });
    assert.deepEqual(pendingChanges(vm), [], 'never started by this agent: nothing to compare');
    vm.started = startSettings(vm);
    Object.assign(vm, { firmware: 'uefi', memoryMiB: 512, boot: ['cdrom', 'disk'] });
    assert.deepEqual(pendingChanges(vm), [
      { field: 'firmware', running: 'bios', next: 'uefi' },
      { field: 'boot', running: ['disk', 'cdrom'], next: ['cdrom', 'disk'] },
      { field: 'memoryMiB', running: 256, next: 512 },
    ]);
  });

  test('UEFI adds the read-only OVMF code and the VM’s own vars store; BIOS adds neither', () => {
    const p = vmPaths('/vms/x');
    const args = (firmware: 'bios' | 'uefi') =>
      qemuArgs(
        { ...record(), machine: 'pc-q35-7.2', cpuModel: 'qemu64', firmware, restore: null },
        p,
        { accel: 'tcg', isoDir: '/isos' },
      );
    const uefi = args('uefi');
    assert.ok(uefi.includes('pc-q35-7.2,accel=tcg') && uefi.includes('qemu64'));
    assert.ok(uefi.some((a) => a.includes('readonly=on') && a.includes('OVMF_CODE_4M.fd')));
    assert.ok(uefi.includes('if=pflash,unit=1,format=qcow2,file=/vms/x/efivars.qcow2'));
    assert.ok(!args('bios').some((a) => a.includes('pflash')));
  });

  test('a store half-written when the agent was killed is made again whole at the next start', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'berth-efivars-'));
    try {
      // What a kill during qemu-img convert leaves: the temp file only, never a partial store.
      await writeFile(path.join(dir, 'efivars.qcow2.tmp'), 'QFI\xfbhalf');
      await ensureEfiVars(dir);
      assert.equal(existsSync(path.join(dir, 'efivars.qcow2.tmp')), false);
      const info = JSON.parse(
        execFileSync('qemu-img', ['info', '--output=json', path.join(dir, 'efivars.qcow2')], {
          encoding: 'utf8',
        }),
      ) as { format: string; 'virtual-size': number };
      assert.equal(info.format, 'qcow2');
      assert.equal(info['virtual-size'], statSync(OVMF_VARS).size, 'as big as OVMF’s own store');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
