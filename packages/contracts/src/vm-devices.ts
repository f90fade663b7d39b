import { z } from 'zod';
import { InstanceRef } from './instances.js';
import { ImportableDiskFormat } from './vm-disks.js';

/** COM1-COM4: serial0 is the console every VM has; the other three are added and removed. */
export const MAX_SERIAL_PORTS = 4;
/** The USB 2 (EHCI) controller's ports: every device, the tablet included, takes one. */
export const MAX_USB_DEVICES = 6;

export const VmPortName = z
  .string()
  .regex(/^(serial[0-3]|parallel0)$/, 'serial0 to serial3, or parallel0');
export const VmPortRef = InstanceRef.extend({ port: VmPortName });

/**
 * A port's other end: `console` is serial0's socket with its log (the browser's serial
 * console); `socket` a unix socket in the VM's folder for a host-side program; `file` a log in
 * the VM's folder that the operator downloads.
 */
export const VmPortTarget = z.enum(['console', 'socket', 'file']);

/** Ports are taken at the VM's next start; the next free number is used. */
export const AddVmPortRequest = z
  .strictObject({
    kind: z.enum(['serial', 'parallel']),
    target: VmPortTarget.exclude(['console']),
  })
  .refine((r) => r.kind === 'serial' || r.target === 'file', {
    message: 'a parallel port writes to a file',
    path: ['target'],
  });
export type AddVmPortRequest = z.infer<typeof AddVmPortRequest>;

/** Whether an item is what the running VM has, or waits for its next start. */
export const VmDevicePending = z
  .enum(['add', 'remove'])
  .nullable()
  .describe('add: saved, taken at the next start; remove: still in the running VM until then');

export const VmPort = z.object({
  name: VmPortName,
  kind: z.enum(['serial', 'parallel']),
  target: VmPortTarget,
  pending: VmDevicePending,
  /** The size of a file port's log, or of serial0's console log; null for sockets and a log not written yet. */
  logBytes: z.number().int().nonnegative().nullable(),
});
export type VmPort = z.infer<typeof VmPort>;

export const VmUsbKind = z.enum(['tablet', 'keyboard', 'storage']);
export const VmUsbName = z.string().regex(/^(tablet|usb[1-9])$/, 'tablet, or usb1 to usb9');
export const VmUsbRef = InstanceRef.extend({ device: VmUsbName });

/** A tablet (the pointer VNC needs) or a keyboard; storage comes from an uploaded image. */
export const AddVmUsbRequest = z.strictObject({ kind: VmUsbKind.exclude(['storage']) });
export type AddVmUsbRequest = z.infer<typeof AddVmUsbRequest>;

/** A raw or qcow2 image, sent as the body, kept as the USB stick's qcow2 in the VM's folder. */
export const AddVmUsbStorageQuery = z.strictObject({
  format: ImportableDiskFormat.extract(['raw', 'qcow2']).optional(),
});
export type AddVmUsbStorageQuery = z.infer<typeof AddVmUsbStorageQuery>;

export const VmUsbDevice = z.object({
  name: VmUsbName,
  kind: VmUsbKind,
  pending: VmDevicePending,
  sizeBytes: z.number().int().nonnegative().nullable().describe("a storage device's image"),
  attached: z
    .boolean()
    .nullable()
    .describe("on the running QEMU's USB bus, as its `info usb` says; null while stopped"),
});
export type VmUsbDevice = z.infer<typeof VmUsbDevice>;

export const VmDevices = z.object({
  ports: z.array(VmPort),
  usb: z.array(VmUsbDevice),
});
export type VmDevices = z.infer<typeof VmDevices>;

export const VmDeviceChange = z.object({
  device: z.string(),
  applies: z.enum(['live', 'next-start']),
  /** Why a change that could have been live waits for the next start. */
  note: z.string().nullable(),
});
export type VmDeviceChange = z.infer<typeof VmDeviceChange>;
