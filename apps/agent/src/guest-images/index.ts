import {
  chmod,
  copyFile,
  mkdir,
  mkdtemp,
  readdir,
  rename,
  rm,
  rmdir,
  stat,
  writeFile,
} from 'node:fs/promises';
import path from 'node:path';
import { processAlive } from '../host/proc.js';
import { KERNEL_ARGS } from './boot-config.js';
import { fetchPackage } from './debian-packages.js';
import { buildDiskImage } from './disk-image.js';
import { assertHostTools } from './host-tools.js';
import { buildInitramfs } from './initramfs.js';
import { buildIso } from './iso.js';
import { fetchDebianKernel, readKernelRelease } from './kernel.js';

export { KERNEL_ARGS, readKernelRelease };

export interface GuestImagePaths {
  kernel: string;
  initrd: string;
  disk: string;
  iso: string;
}

/** Written last: its presence says the four images beside it are one complete build. */
export const MANIFEST = 'tiny-linux.json';

export interface TinyLinuxManifest {
  kernelRelease: string;
  kernelPackage: string;
  kernelPackageVersion: string;
  qemuGuestAgentVersion: string;
  kernelArgs: string;
  builtAt: string;
  files: Record<keyof GuestImagePaths, { name: string; bytes: number }>;
}

const FILE_NAMES: Record<keyof GuestImagePaths, string> = {
  kernel: 'vmlinuz',
  initrd: 'initrd.img',
  disk: 'disk.qcow2',
  iso: 'tiny-linux.iso',
};

const BUILD_PREFIX = '.build-';

/** Work dirs of builds whose process died (the 400 MB unpacked kernel must not pile up). */
async function removeAbandonedBuilds(outDir: string): Promise<void> {
  for (const name of await readdir(outDir)) {
    const pid = Number(/^\.build-(\d+)-/.exec(name)?.[1]);
    if (pid && pid !== process.pid && !(await processAlive(pid))) {
      await rm(path.join(outDir, name), { recursive: true, force: true });
    }
  }
}

export function tinyLinuxPaths(outDir: string): GuestImagePaths {
  return {
    kernel: path.join(outDir, FILE_NAMES.kernel),
    initrd: path.join(outDir, FILE_NAMES.initrd),
    disk: path.join(outDir, FILE_NAMES.disk),
    iso: path.join(outDir, FILE_NAMES.iso),
  };
}

/**
 * Builds a tiny Linux guest from Debian's packages: Debian's kernel, a busybox
 * initramfs running qemu-ga, and the same system as a bootable qcow2 disk and
 * ISO. Everything is made in a work dir inside outDir and renamed into place at
 * the end, the manifest last; a failed build removes its work dir and leaves the
 * previous images (if any) untouched.
 */
export async function buildTinyLinux(
  outDir: string,
  progress: (fraction: number, message: string) => void,
): Promise<GuestImagePaths> {
  await assertHostTools();
  const created = await mkdir(outDir, { recursive: true });
  await removeAbandonedBuilds(outDir);
  const work = await mkdtemp(path.join(outDir, `${BUILD_PREFIX}${process.pid}-`));
  let published = false;
  try {
    // apt downloads as _apt, which must be able to reach the download dir.
    await chmod(work, 0o755);
    const stage = path.join(work, 'out');
    await mkdir(stage);
    const staged = tinyLinuxPaths(stage);

    progress(0.02, 'downloading and unpacking Debian kernel package');
    const kernel = await fetchDebianKernel(path.join(work, 'kernel'));
    progress(0.35, `kernel ${kernel.release} (${kernel.packageName} ${kernel.packageVersion})`);

    progress(0.4, 'downloading qemu-guest-agent package');
    const qga = await fetchPackage('qemu-guest-agent', path.join(work, 'qemu-ga'));

    progress(0.45, 'building initramfs');
    await copyFile(kernel.vmlinuz, staged.kernel);
    await buildInitramfs({
      root: path.join(work, 'initramfs'),
      out: staged.initrd,
      kernel,
      qemuGa: path.join(qga.root, 'usr/sbin/qemu-ga'),
    });
    // The unpacked kernel is no longer needed; free the space before the images.
    await rm(path.join(work, 'kernel'), { recursive: true, force: true });

    progress(0.65, 'building bootable disk image');
    await buildDiskImage({
      workDir: work,
      kernel: staged.kernel,
      initrd: staged.initrd,
      out: staged.disk,
    });

    progress(0.85, 'building bootable ISO');
    await buildIso({
      workDir: work,
      kernel: staged.kernel,
      initrd: staged.initrd,
      out: staged.iso,
    });

    progress(0.97, 'publishing images');
    const files = {} as TinyLinuxManifest['files'];
    for (const key of Object.keys(FILE_NAMES) as (keyof GuestImagePaths)[]) {
      files[key] = { name: FILE_NAMES[key], bytes: (await stat(staged[key])).size };
    }
    const manifest: TinyLinuxManifest = {
      kernelRelease: kernel.release,
      kernelPackage: kernel.packageName,
      kernelPackageVersion: kernel.packageVersion,
      qemuGuestAgentVersion: qga.version,
      kernelArgs: KERNEL_ARGS,
      builtAt: new Date().toISOString(),
      files,
    };
    await writeFile(path.join(stage, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);

    // A reader trusts the images only while the manifest exists, so it goes first
    // and comes back last: a crash in between leaves no manifest, not a mixed set.
    await rm(path.join(outDir, MANIFEST), { force: true });
    const paths = tinyLinuxPaths(outDir);
    for (const key of Object.keys(FILE_NAMES) as (keyof GuestImagePaths)[]) {
      await rename(staged[key], paths[key]);
    }
    await rename(path.join(stage, MANIFEST), path.join(outDir, MANIFEST));
    published = true;
    progress(1, 'done');
    return paths;
  } finally {
    await rm(work, { recursive: true, force: true });
    // An outDir this call created goes too, unless something else was put in it meanwhile.
    if (!published && created !== undefined) await rmdir(outDir).catch(() => undefined);
  }
}
