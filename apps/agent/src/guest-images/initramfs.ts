import { chmod, mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { run } from '../run.js';
import { writeInitramfs } from './cpio.js';
import { guestFiles } from './guest-files.js';
import type { DebianKernel } from './kernel.js';
import { installGuestModules } from './modules.js';
import { installWithLibraries } from './shared-libs.js';

const BUSYBOX = '/bin/busybox';

async function linkApplets(root: string): Promise<void> {
  const { stdout } = await run(BUSYBOX, ['--list-full']);
  for (const applet of stdout.split('\n').map((l) => l.trim())) {
    if (!applet || applet === 'bin/busybox') continue;
    const link = path.join(root, applet);
    await mkdir(path.dirname(link), { recursive: true });
    await symlink('/bin/busybox', link).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
    });
  }
}

/**
 * The whole guest system lives in the initramfs: busybox as init and userland,
 * the kernel's virtio/ACPI modules, and qemu-ga with the libraries it links.
 * Disk and CD boots load the same file, so every boot path brings up the same system.
 */
export async function buildInitramfs(opts: {
  root: string;
  out: string;
  kernel: DebianKernel;
  qemuGa: string;
}): Promise<void> {
  const { root, kernel } = opts;
  for (const dir of ['dev', 'proc', 'sys', 'run', 'tmp', 'root', 'mnt', 'var/log', 'etc/init.d']) {
    await mkdir(path.join(root, dir), { recursive: true });
  }
  await chmod(path.join(root, 'tmp'), 0o1777);
  await chmod(path.join(root, 'root'), 0o700);
  await symlink('../run', path.join(root, 'var/run'));

  // Busybox must be the static build: the initramfs carries no libc for it.
  const busyboxLibs = await installWithLibraries(BUSYBOX, root, 'bin/busybox');
  if (busyboxLibs.length > 0) throw new Error(`${BUSYBOX} is not static; install busybox-static`);
  await linkApplets(root);
  // The kernel runs /init from an initramfs; busybox picks its applet from argv[0].
  await symlink('/bin/busybox', path.join(root, 'init'));

  await installWithLibraries(opts.qemuGa, root, 'usr/sbin/qemu-ga');

  const load = await installGuestModules(kernel.moduleDir, kernel.release, root);
  // modules.dep for exactly the copied modules, so the guest's modprobe resolves them.
  await run(BUSYBOX, ['depmod', '-b', root, kernel.release], { timeoutMs: 120_000 });

  for (const f of guestFiles(load)) {
    const file = path.join(root, f.path);
    await mkdir(path.dirname(file), { recursive: true });
    // wx: an existing path here would be an applet symlink into the host's /bin/busybox.
    await writeFile(file, f.content, { mode: f.mode, flag: 'wx' });
    await chmod(file, f.mode);
  }

  // Without /dev/console in the archive, init starts with no stdin/stdout: devtmpfs
  // is mounted only later, by rcS.
  await writeInitramfs(root, opts.out, [
    { path: 'dev/console', type: 'char', major: 5, minor: 1, mode: 0o600 },
  ]);
}
