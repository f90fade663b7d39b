import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Intent } from '../journal/intent.js';
import type { VmRecord } from '../instances/vm-record.js';
import { COMPACT_SUFFIX } from '../instances/vm-disk-changes.js';
import { allocatedBytes, virtualSize } from '../storage/qcow2.js';

/**
 * A disk add or import is kept once the record lists it (the VM has it at its next start at the
 * latest) and rolled back otherwise; a removal is finished once the record no longer lists it;
 * a resize is one qemu-img or QMP call: the file says where it got; a compact's copy is dropped
 * unless it was renamed over the disk.
 */
export async function settleVmDisk(intent: Extract<Intent, { type: 'vm.disk' }>): Promise<string> {
  const name = path.basename(intent.file);
  if (intent.action === 'resize') {
    const size = await virtualSize(intent.file).catch(() => null);
    return size === null
      ? `${name} could not be read`
      : `${name} is ${Math.round(size / (1024 * 1024))} MiB, as its file says`;
  }
  if (intent.action === 'compact') {
    // The rename is the commit point: before it the disk is the old one, after it the new.
    await rm(`${intent.file}${COMPACT_SUFFIX}`, { force: true });
    const size = await allocatedBytes(intent.file).catch(() => null);
    return size === null
      ? `${name} could not be read`
      : `${name} is whole (the old or the compacted copy) and takes ${Math.round(size / (1024 * 1024))} MiB on the host`;
  }
  if (intent.staging) await rm(intent.staging, { force: true });
  const record = JSON.parse(await readFile(path.join(intent.dir, 'vm.json'), 'utf8')) as VmRecord;
  const listed = record.disks.some((d) => d.file === name);
  if (intent.action === 'remove') {
    if (listed)
      return `${name} is kept; a running guest that let it go has it again from its next start`;
    await rm(intent.file, { force: true });
    return `${name} had left the VM's record; its file is now removed too`;
  }
  if (listed) {
    return `${name} had been added and is kept; a running VM has it from its next start`;
  }
  await rm(intent.file, { force: true });
  return `rolled back: ${name} was removed`;
}
