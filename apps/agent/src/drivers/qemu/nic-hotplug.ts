import { nicDriver, nicNumber, nicPort } from './cmdline.js';
import { hasDevice, releaseDevice } from './hotplug.js';
import type { Qmp } from './qmp.js';

/** QEMU's names for NIC `n`, as a cold start gives them (cmdline's nic loop). */
export const nicDevice = (n: number) => `nic${n}`;
export const nicNetdev = (n: number) => `net${n}`;

/**
 * Plugs a tap into a running VM as NIC `n` (virtio-net or e1000e) on its own root port, named as a cold
 * start names it. Idempotent: a retry after a kill finds what is there already.
 */
export async function plugNic(
  qmp: Qmp,
  nic: { tap: string; mac: string; model?: 'e1000' },
): Promise<void> {
  const n = nicNumber(nic.tap);
  if (await hasDevice(qmp, nicDevice(n))) return;
  await qmp
    .execute('netdev_add', {
      type: 'tap',
      id: nicNetdev(n),
      ifname: nic.tap,
      script: 'no',
      downscript: 'no',
    })
    .catch((err: Error) => {
      if (!/duplicate|already/i.test(err.message)) throw err;
    });
  try {
    await qmp.execute('device_add', {
      driver: nicDriver(nic),
      netdev: nicNetdev(n),
      mac: nic.mac,
      id: nicDevice(n),
      bus: nicPort(n),
    });
  } catch (err) {
    await dropNetdev(qmp, n);
    throw err;
  }
}

/**
 * A NIC the record holds plugged in again after an unplug (a new MAC, or the replay of one cut
 * short), its cable as the record has it. Idempotent like plugNic.
 */
export async function replugNic(
  qmp: Qmp,
  nic: { tap: string; mac: string; model?: 'e1000'; link?: 'down' },
): Promise<void> {
  await plugNic(qmp, nic);
  if (nic.link === 'down') await setNicLink(qmp, nicNumber(nic.tap), false);
}

/**
 * Asks the guest to let NIC `n` go (PCIe hot-unplug, ~5 s with Linux's pciehp), waits until QEMU
 * has removed the device (a wrongState after timeoutMs, the NIC still there), then drops its tap
 * backend so that QEMU lets go of the tap.
 */
export async function unplugNic(qmp: Qmp, n: number, timeoutMs = 30_000): Promise<void> {
  await releaseDevice(qmp, nicDevice(n), 'NIC', timeoutMs);
  await dropNetdev(qmp, n);
}

export async function dropNetdev(qmp: Qmp, n: number): Promise<void> {
  await qmp.execute('netdev_del', { id: nicNetdev(n) }).catch((err: Error) => {
    if (!/not found|no such/i.test(err.message)) throw err;
  });
}

/** The cable of NIC `n` plugged in or pulled: the guest sees its link come and go. */
export async function setNicLink(qmp: Qmp, n: number, up: boolean): Promise<void> {
  await qmp.execute('set_link', { name: nicDevice(n), up });
}

/** A freshly started QEMU has every link up: those kept down are pulled again. */
export async function applyNicLinks(
  qmp: Qmp,
  nics: ReadonlyArray<{ tap: string; link?: 'down' }>,
): Promise<void> {
  for (const nic of nics) {
    if (nic.link === 'down') await setNicLink(qmp, nicNumber(nic.tap), false);
  }
}
