import { qemuArgs, vmPaths, type QemuMachine } from '../src/drivers/qemu/cmdline.js';

/** A one-disk BIOS q35 VM as a record from before any optional hardware holds it, with `over` on top. */
export const qemuMachine = (over: Partial<QemuMachine> = {}): QemuMachine => ({
  id: '0f6a3c2e-1111-4222-8333-444455556666',
  name: 'vm',
  vcpus: 1,
  memoryMiB: 256,
  disks: [{ file: 'disk0.qcow2' }],
  cdrom: null,
  boot: ['disk'],
  nics: [],
  restore: null,
  firmware: 'bios',
  machine: 'q35',
  cpuModel: null,
  ...over,
});

/** QEMU's command line for `vm` in /vms/x under TCG, as one string to search. */
export const qemuLine = (vm: QemuMachine) =>
  qemuArgs(vm, vmPaths('/vms/x'), { accel: 'tcg', isoDir: '/isos' }).join(' ');
