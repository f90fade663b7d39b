import { access, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { badRequest } from '@berth/contracts';
import { assertFreeSpace } from '../../storage/free-space.js';
import { run } from '../../run.js';
import { EFI_VARS_FILE, OVMF_CODE, OVMF_VARS } from './cmdline.js';

const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  );

export const ovmfInstalled = async () => (await exists(OVMF_CODE)) && (await exists(OVMF_VARS));

/**
 * A VM's own EFI variable store, made from OVMF's empty one at its first UEFI start. Written
 * beside it and renamed, so a kill leaves either no store (made again) or a whole one.
 */
export async function ensureEfiVars(dir: string): Promise<void> {
  const file = path.join(dir, EFI_VARS_FILE);
  if (await exists(file)) return;
  if (!(await ovmfInstalled())) {
    throw badRequest('UEFI needs OVMF on the host (Debian package ovmf)', 'firmware');
  }
  await assertFreeSpace(dir, 8 * 1024 * 1024, 'the EFI variable store');
  const tmp = `${file}.tmp`;
  await rm(tmp, { force: true });
  // qcow2, not a raw copy: savevm (suspend, snapshots) refuses a writable drive it cannot snapshot.
  await run('qemu-img', ['convert', '-f', 'raw', '-O', 'qcow2', OVMF_VARS, tmp]);
  await rename(tmp, file);
}
