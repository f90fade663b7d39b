import { type VmDiskCache, wrongState } from '@berth/contracts';
import { diskPort } from './cmdline.js';
import type { Qmp } from './qmp.js';

/**
 * Plugs a qcow2 file into a running VM as virtio-blk disk `index`, on the root port a cold start
 * puts it on. The node is named as a cold start's drive is, so QMP's block commands find it.
 */
export async function hotplugDisk(
  qmp: Qmp,
  index: number,
  file: string,
  cache: VmDiskCache = 'writeback',
): Promise<void> {
  const node = `disk${index}`;
  // -drive's cache= is these three: O_DIRECT, flushes ignored, and the guest told of a write cache.
  const direct = cache === 'none' || cache === 'directsync';
  await qmp.execute('blockdev-add', {
    driver: 'qcow2',
    'node-name': node,
    discard: 'unmap',
    cache: { direct, 'no-flush': cache === 'unsafe' },
    file: { driver: 'file', filename: file },
  });
  try {
    await qmp.execute('device_add', {
      driver: 'virtio-blk-pci',
      drive: node,
      id: `vdisk${index}`,
      bus: diskPort(index),
      'write-cache': cache === 'writethrough' || cache === 'directsync' ? 'off' : 'on',
    });
  } catch (err) {
    await qmp.execute('blockdev-del', { 'node-name': node }).catch(() => undefined);
    throw err;
  }
}

/**
 * Grows a running VM's disk (its drive, as driveOf names it); the guest sees the new size at once. A disk from the
 * command line is found by its drive name, a hot-plugged one by its node name.
 */
export async function growLive(qmp: Qmp, drive: string, bytes: number): Promise<void> {
  try {
    await qmp.execute('block_resize', { device: drive, size: bytes });
  } catch (err) {
    if (!/not found|cannot find/i.test((err as Error).message)) throw err;
    await qmp.execute('block_resize', { 'node-name': drive, size: bytes });
  }
}

/**
 * Asks the guest to let a disk go (PCIe hot-unplug: the guest's pciehp waits out its 5 s
 * attention-button delay before it powers the slot off) and waits until QEMU has removed the
 * device. A hot-plugged disk's node is then deleted; a cold start's drive goes with its device.
 */
export async function unplugDisk(qmp: Qmp, drive: string, timeoutMs = 30_000): Promise<void> {
  await releaseDevice(qmp, `v${drive}`, 'disk', timeoutMs);
  await qmp.execute('blockdev-del', { 'node-name': drive }).catch(() => undefined);
}

/** Whether QEMU has a device of this id (one from -device or device_add). */
export async function hasDevice(qmp: Qmp, device: string): Promise<boolean> {
  const peripherals = await qmp.execute<Array<{ name: string }>>('qom-list', {
    path: '/machine/peripheral',
  });
  return peripherals.some((p) => p.name === device);
}

/**
 * device_del, then waits until QEMU has removed the device: the guest must cooperate (PCIe
 * hot-unplug). A device already gone (a retry after a kill) is fine.
 */
export async function releaseDevice(
  qmp: Qmp,
  device: string,
  what: string,
  timeoutMs = 30_000,
): Promise<void> {
  if (!(await hasDevice(qmp, device))) return;
  await qmp.execute('device_del', { id: device });
  for (const until = Date.now() + timeoutMs; await hasDevice(qmp, device);) {
    if (Date.now() > until) {
      throw wrongState(
        `the guest did not release ${device} within ${timeoutMs / 1000} s (it needs PCIe hot-unplug); stop the VM and remove the ${what} then`,
      );
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}
