import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import path from 'node:path';
import { ErrorCode, AppError } from '@berth/contracts';

/** The same search path run.ts hands to every child. */
const SEARCH_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'.split(':');

/** Commands the build runs, with the Debian package that ships each one. */
const COMMANDS: Record<string, string> = {
  'apt-get': 'apt',
  'apt-cache': 'apt',
  'dpkg-deb': 'dpkg',
  env: 'coreutils',
  ldd: 'libc-bin',
  busybox: 'busybox-static',
  'mkfs.vfat': 'dosfstools',
  mcopy: 'mtools',
  syslinux: 'syslinux',
  sfdisk: 'fdisk',
  xorriso: 'xorriso',
  'qemu-img': 'qemu-utils',
};

/** Boot loader pieces read straight from the host's Debian packages. */
export const BOOT_FILES = {
  mbr: { path: '/usr/lib/syslinux/mbr/mbr.bin', pkg: 'syslinux-common' },
  ldlinux: { path: '/usr/lib/syslinux/modules/bios/ldlinux.c32', pkg: 'syslinux-common' },
  isolinux: { path: '/usr/lib/ISOLINUX/isolinux.bin', pkg: 'isolinux' },
  isohybridMbr: { path: '/usr/lib/ISOLINUX/isohdpfx.bin', pkg: 'isolinux' },
} as const;

async function onPath(cmd: string): Promise<boolean> {
  for (const dir of SEARCH_PATH) {
    try {
      await access(path.join(dir, cmd), constants.X_OK);
      return true;
    } catch {
      // keep looking in the next directory
    }
  }
  return false;
}

/**
 * Checked before anything is downloaded, so a host missing a package gets one
 * error naming every package to install instead of failing halfway through.
 */
export async function assertHostTools(): Promise<void> {
  const missing = new Set<string>();
  for (const [cmd, pkg] of Object.entries(COMMANDS)) {
    if (!(await onPath(cmd))) missing.add(pkg);
  }
  for (const { path: file, pkg } of Object.values(BOOT_FILES)) {
    await access(file, constants.R_OK).catch(() => missing.add(pkg));
  }
  if (missing.size > 0) {
    throw new AppError(
      ErrorCode.unsupported,
      `building guest images needs these Debian packages on the host: ${[...missing].sort().join(' ')}`,
    );
  }
}
