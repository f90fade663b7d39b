import { diskPort } from './cmdline.js';
import type { Qmp } from './qmp.js';

/**
 * Plugs a qcow2 file into a running VM as virtio-blk disk `index`, on the root port a cold start
 * puts it on. The node is named as a cold start's drive is, so QMP's block commands find it.
 */
export async function hotplugDisk(qmp: Qmp, index: number, file: string): Promise<void> {
  const node = `disk${index}`;
  await qmp.execute('blockdev-add', {
    driver: 'qcow2',
    'node-name': node,
    discard: 'unmap',
    file: { driver: 'file', filename: file },
  });
  try {
    await qmp.execute('device_add', {
      driver: 'virtio-blk-pci',
      drive: node,
      id: `vdisk${index}`,
      bus: diskPort(index),
    });
  } catch (err) {
    await qmp.execute('blockdev-del', { 'node-name': node }).catch(() => undefined);
    throw err;
  }
}

/**
 * Grows disk `index` of a running VM; the guest sees the new size at once. A disk from the
 * command line is found by its drive name, a hot-plugged one by its node name.
 */
export async function growLive(qmp: Qmp, index: number, bytes: number): Promise<void> {
  try {
    await qmp.execute('block_resize', { device: `disk${index}`, size: bytes });
  } catch (err) {
    if (!/not found|cannot find/i.test((err as Error).message)) throw err;
    await qmp.execute('block_resize', { 'node-name': `disk${index}`, size: bytes });
  }
}
