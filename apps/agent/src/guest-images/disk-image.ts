import { createReadStream, createWriteStream } from 'node:fs';
import { open, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { run } from '../run.js';
import { BOOT_INITRD, BOOT_KERNEL, syslinuxConfig } from './boot-config.js';
import { BOOT_FILES } from './host-tools.js';

const MiB = 1024 * 1024;
const SECTOR = 512;
export const DISK_SIZE = 64 * MiB;
/** 1 MiB: the usual first-partition alignment, and room for nothing but the MBR. */
const PART_START = 1 * MiB;
/** The MBR's boot code area; the partition table follows at 446. */
const MBR_CODE_BYTES = 440;

/**
 * A BIOS-bootable disk: MBR boot code from syslinux, one active FAT16 partition
 * holding syslinux, the kernel and the initramfs. The FAT is built as its own file
 * with mtools and the syslinux installer (no loop device, no mount, so this works
 * in a container too), then placed at the partition's offset.
 */
export async function buildDiskImage(opts: {
  workDir: string;
  kernel: string;
  initrd: string;
  out: string;
}): Promise<void> {
  const { workDir } = opts;
  const part = path.join(workDir, 'boot.vfat');
  const raw = path.join(workDir, 'disk.raw');
  const partBytes = DISK_SIZE - PART_START;

  await run('mkfs.vfat', [
    '-C',
    '-F',
    '16',
    // Hidden sectors = the partition's start LBA: boot code reads it to find itself.
    '-h',
    String(PART_START / SECTOR),
    '-n',
    'TINYLINUX',
    '-i',
    '54494e59',
    part,
    String(partBytes / 1024),
  ]);
  await run('syslinux', ['--install', part], { timeoutMs: 120_000 });
  const cfg = path.join(workDir, 'syslinux.cfg');
  await writeFile(cfg, syslinuxConfig());
  for (const [src, name] of [
    [opts.kernel, BOOT_KERNEL],
    [opts.initrd, BOOT_INITRD],
    [cfg, 'syslinux.cfg'],
  ] as const) {
    await run('mcopy', ['-i', part, '-o', src, `::/${name}`], { timeoutMs: 120_000 });
  }

  const handle = await open(raw, 'wx', 0o600);
  await handle.truncate(DISK_SIZE);
  await handle.close();
  await run('sfdisk', ['--quiet', '--no-reread', '--no-tell-kernel', raw], {
    // type e: FAT16 addressed by LBA; mbr.bin boots the partition marked bootable.
    input: `label: dos\nstart=${PART_START / SECTOR}, size=${partBytes / SECTOR}, type=e, bootable\n`,
  });
  // Written after sfdisk: creating a new label may clear the boot code area.
  const mbr = await readFile(BOOT_FILES.mbr.path);
  if (mbr.length > MBR_CODE_BYTES)
    throw new Error(`${BOOT_FILES.mbr.path} is larger than 440 bytes`);
  const rawHandle = await open(raw, 'r+');
  try {
    await rawHandle.write(mbr, 0, mbr.length, 0);
  } finally {
    await rawHandle.close();
  }
  await pipeline(
    createReadStream(part),
    createWriteStream(raw, { flags: 'r+', start: PART_START }),
  );

  // Zero clusters stay unallocated in the qcow2, so the file is about the size of its contents.
  await run('qemu-img', ['convert', '-f', 'raw', '-O', 'qcow2', raw, opts.out], {
    timeoutMs: 300_000,
  });
}
