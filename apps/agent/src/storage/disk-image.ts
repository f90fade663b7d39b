import { mkdtemp, open, readFile, rmdir, stat, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ErrorCode, AppError } from '@berth/contracts';
import { exec, run } from '../run.js';

export const MiB = 1024 * 1024;

/**
 * A container's private area is a sparse ext4 image, loop-mounted by LXC at start:
 * the image size is the container's disk quota.
 */
/** @param inodes how many files the filesystem can hold (mkfs's own ratio when absent) */
export async function createImage(file: string, sizeBytes: number, inodes?: number): Promise<void> {
  const handle = await open(file, 'wx', 0o600);
  await handle.truncate(sizeBytes);
  await handle.close();
  const count = inodes !== undefined ? ['-N', String(inodes)] : [];
  await run(
    'mkfs.ext4',
    ['-q', '-F', '-m', '0', '-E', 'nodiscard', '-L', 'berth-root', ...count, file],
    { timeoutMs: 120_000 },
  );
}

export async function withMountedImage<T>(
  file: string,
  work: (dir: string) => Promise<T>,
): Promise<T> {
  const dir = await mkdtemp(path.join(tmpdir(), 'berth-mnt-'));
  try {
    await run('mount', ['-o', 'loop', '--', file, dir]);
    try {
      return await work(dir);
    } finally {
      await unmount(dir);
    }
  } finally {
    await rmdir(dir);
  }
}

/**
 * Unmounts a work mount. A container starting meanwhile copies every host mount into its new
 * namespace, and while that copy is busy an umount of the shared original fails "target is
 * busy" (seen at 160 containers): it is tried again for a while, then detached lazily, which
 * always succeeds; the loop device goes with the last reference.
 */
async function unmount(dir: string): Promise<void> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const res = await exec('umount', [dir], { timeoutMs: 120_000 });
    if (res.code === 0) return;
    if (!/busy/i.test(res.stderr)) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await run('umount', ['-l', dir]);
}

/** Loop devices currently backed by this image (LXC attaches one while the container runs). */
export async function loopDevicesOf(file: string): Promise<string[]> {
  const { stdout } = await run('losetup', ['-j', file, '-O', 'NAME', '-n']);
  return stdout
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}

/**
 * Waits (bounded) for the loop devices of a stopped container's image to go. The kernel frees
 * them when the container's last mount goes, which for a container in a user namespace can be
 * a moment after lxc-stop returns; an image still attached then looks in use to a disk grow.
 */
export async function waitDetached(file: string, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while ((await loopDevicesOf(file).catch(() => [])).length > 0 && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** ext4's online resize ioctl needs CAP_SYS_RESOURCE, which some sandboxes drop even for root. */
export async function canResizeOnline(): Promise<boolean> {
  const status = await readFile('/proc/self/status', 'utf8');
  const hex = /CapEff:\s*([0-9a-f]+)/.exec(status)?.[1] ?? '0';
  const CAP_SYS_RESOURCE = 24n;
  return ((BigInt(`0x${hex}`) >> CAP_SYS_RESOURCE) & 1n) === 1n;
}

/** Grows the image and its filesystem, online when the image is in use. */
export async function growImage(file: string, sizeBytes: number): Promise<void> {
  const current = (await stat(file)).size;
  if (sizeBytes < current) throw new Error('images only grow');
  if (sizeBytes === current) return;
  const devices = await loopDevicesOf(file);
  if (devices.length > 0) {
    if (!(await canResizeOnline())) {
      throw new AppError(
        ErrorCode.unsupported,
        'this host cannot grow a disk while it is in use (the agent lacks CAP_SYS_RESOURCE); stop the container first',
      );
    }
    const device = devices[0] as string;
    await truncate(file, sizeBytes);
    await run('losetup', ['-c', device]);
    // The filesystem is mounted only inside the container's namespace; a second host
    // mount of the same device shares its superblock, so resize2fs can grow it online.
    const dir = await mkdtemp(path.join(tmpdir(), 'berth-grow-'));
    try {
      await run('mount', [device, dir]);
      try {
        await run('resize2fs', [device], { timeoutMs: 300_000 });
      } finally {
        await run('umount', [dir]);
      }
    } finally {
      await rmdir(dir);
    }
    return;
  }
  await truncate(file, sizeBytes);
  // e2fsck exits 1 when it fixed something: that is still a usable filesystem.
  await run('e2fsck', ['-f', '-p', file], { okCodes: [1], timeoutMs: 300_000 });
  await run('resize2fs', [file], { timeoutMs: 300_000 });
}

export async function imageSize(file: string): Promise<number> {
  return (await stat(file)).size;
}

/** Detaches loop devices LXC may have left behind (after a kill, say). */
export async function detachImage(file: string): Promise<void> {
  for (const device of await loopDevicesOf(file).catch(() => [])) {
    await exec('losetup', ['-d', device]);
  }
}
