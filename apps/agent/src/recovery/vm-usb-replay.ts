import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { DEFAULT_USB } from '../drivers/qemu/devices.js';
import type { Intent } from '../journal/intent.js';
import type { VmRecord } from '../instances/vm-record.js';

/**
 * The record is the commit point: an added device it lists is kept (a running VM has it from its
 * next start at the latest) and one it does not is rolled back with its stick's file; a removed
 * device it no longer lists is finished by removing that file, one it still lists is kept.
 */
export async function settleVmUsb(intent: Extract<Intent, { type: 'vm.usb' }>): Promise<string> {
  if (intent.staging) await rm(intent.staging, { force: true });
  const record = JSON.parse(await readFile(path.join(intent.dir, 'vm.json'), 'utf8')) as VmRecord;
  const listed = (record.usb ?? DEFAULT_USB).some((d) => d.name === intent.device);
  if (intent.action === 'remove') {
    if (listed) {
      return `USB device ${intent.device} is kept; a running guest that lost it has it again from its next start`;
    }
    if (intent.file) await rm(intent.file, { force: true });
    return `USB device ${intent.device} had left the VM's record${intent.file ? '; its image is now removed too' : ''}`;
  }
  if (listed) {
    return `USB device ${intent.device} had been added and is kept; a running VM has it from its next start`;
  }
  if (intent.file) await rm(intent.file, { force: true });
  return `rolled back: USB device ${intent.device} was not added`;
}
