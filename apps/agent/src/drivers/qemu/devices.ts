import path from 'node:path';
import { wrongState } from '@berth/contracts';
import type { Qmp } from './qmp.js';

/** A port beside the console: serial1-serial3 (COM2-COM4) or parallel0 (LPT1). */
export interface PortRecord {
  name: string;
  target: 'socket' | 'file';
}

/**
 * A device on the EHCI controller. The tablet is on the command line without a port number, as
 * it always was, and takes port 1; the others are named by their port (usb2 sits on port 2), so
 * a cold start puts each where a hot-plug put it and saved machine states match.
 */
export interface UsbRecord {
  name: string;
  kind: 'tablet' | 'keyboard' | 'storage';
  /** A storage device's qcow2 in the VM's folder. */
  file?: string;
}

/** What a VM had before its USB devices could change. */
export const DEFAULT_USB: readonly UsbRecord[] = [{ name: 'tablet', kind: 'tablet' }];
export const USB_PORTS = [2, 3, 4, 5, 6];

export const portNumber = (name: string) => Number(/(\d)$/.exec(name)?.[1]);
/** Where a port's other end is in the VM's folder. */
export const portFile = (dir: string, port: PortRecord) =>
  path.join(dir, port.target === 'socket' ? port.name : `${port.name}.log`);
export const usbDrive = (name: string) => `usbd${portNumber(name)}`;

/** The tablet as it always was, at its place in the command line; absent once removed. */
export function tabletArgs(usb: readonly UsbRecord[] | undefined): string[] {
  return (usb ?? DEFAULT_USB).some((d) => d.kind === 'tablet')
    ? ['-device', 'usb-tablet,bus=usb.0']
    : [];
}

/** The ports beside serial0 and the USB devices beside the tablet; none for an older record. */
export function deviceArgs(
  dir: string,
  ports: readonly PortRecord[] | undefined,
  usb: readonly UsbRecord[] | undefined,
): string[] {
  const args: string[] = [];
  for (const port of ports ?? []) {
    const file = portFile(dir, port);
    const n = portNumber(port.name);
    // append=on: a restart adds to the log the operator downloads instead of wiping it.
    args.push(
      '-chardev',
      port.target === 'socket'
        ? `socket,id=${port.name},path=${file},server=on,wait=off`
        : `file,id=${port.name},path=${file},append=on`,
      '-device',
      port.name.startsWith('serial')
        ? `isa-serial,chardev=${port.name},index=${n},id=com${n}`
        : `isa-parallel,chardev=${port.name},index=${n},id=lpt${n}`,
    );
  }
  for (const device of usb ?? []) {
    const n = portNumber(device.name);
    if (device.kind === 'keyboard') {
      args.push('-device', `usb-kbd,bus=usb.0,port=${n},id=${device.name}`);
    } else if (device.kind === 'storage') {
      args.push(
        '-drive',
        `file=${path.join(dir, device.file!)},if=none,id=${usbDrive(device.name)},format=qcow2`,
        '-device',
        `usb-storage,bus=usb.0,port=${n},drive=${usbDrive(device.name)},id=${device.name}`,
      );
    }
  }
  return args;
}

/** Plugs a keyboard or a storage device into a running VM's EHCI port, as a cold start would. */
export async function plugUsb(qmp: Qmp, dir: string, device: UsbRecord): Promise<void> {
  const port = String(portNumber(device.name));
  if (device.kind === 'keyboard') {
    await qmp.execute('device_add', { driver: 'usb-kbd', bus: 'usb.0', port, id: device.name });
    return;
  }
  const node = usbDrive(device.name);
  await qmp.execute('blockdev-add', {
    driver: 'qcow2',
    'node-name': node,
    file: { driver: 'file', filename: path.join(dir, device.file!) },
  });
  try {
    await qmp.execute('device_add', {
      driver: 'usb-storage',
      bus: 'usb.0',
      port,
      drive: node,
      id: device.name,
    });
  } catch (err) {
    await qmp.execute('blockdev-del', { 'node-name': node }).catch(() => undefined);
    throw err;
  }
}

/**
 * Pulls a device out of a running VM. USB needs no word from the guest, so QEMU lets it go at
 * once; a hot-plugged stick's node is then deleted, a cold start's drive goes with its device.
 */
export async function unplugUsb(qmp: Qmp, device: UsbRecord, timeoutMs = 10_000): Promise<void> {
  await qmp.execute('device_del', { id: device.name });
  const gone = async () =>
    !(await qmp.execute<Array<{ name: string }>>('qom-list', { path: '/machine/peripheral' })).some(
      (p) => p.name === device.name,
    );
  for (const until = Date.now() + timeoutMs; !(await gone());) {
    if (Date.now() > until) throw wrongState(`QEMU did not release ${device.name}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  if (device.kind === 'storage') {
    await qmp
      .execute('blockdev-del', { 'node-name': usbDrive(device.name) })
      .catch(() => undefined);
  }
}
