import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { run } from '../run.js';
import { BOOT_INITRD, BOOT_KERNEL, syslinuxConfig } from './boot-config.js';
import { BOOT_FILES } from './host-tools.js';

/**
 * A BIOS-bootable CD (El Torito, no emulation, isolinux). The isohybrid MBR also
 * lets the same file boot when attached as a disk.
 */
export async function buildIso(opts: {
  workDir: string;
  kernel: string;
  initrd: string;
  out: string;
}): Promise<void> {
  const tree = path.join(opts.workDir, 'iso');
  await mkdir(path.join(tree, 'isolinux'), { recursive: true });
  // isolinux.bin loads ldlinux.c32 from its own directory.
  await copyFile(BOOT_FILES.isolinux.path, path.join(tree, 'isolinux/isolinux.bin'));
  await copyFile(BOOT_FILES.ldlinux.path, path.join(tree, 'isolinux/ldlinux.c32'));
  await writeFile(path.join(tree, 'isolinux/isolinux.cfg'), syslinuxConfig());
  await copyFile(opts.kernel, path.join(tree, BOOT_KERNEL));
  await copyFile(opts.initrd, path.join(tree, BOOT_INITRD));
  await run(
    'xorriso',
    [
      '-as',
      'mkisofs',
      '-quiet',
      '-o',
      opts.out,
      '-V',
      'TINY_LINUX',
      '-R',
      '-J',
      '-isohybrid-mbr',
      BOOT_FILES.isohybridMbr.path,
      '-b',
      'isolinux/isolinux.bin',
      '-c',
      'isolinux/boot.cat',
      '-no-emul-boot',
      '-boot-load-size',
      '4',
      '-boot-info-table',
      tree,
    ],
    { timeoutMs: 300_000 },
  );
}
