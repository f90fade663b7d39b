import { open, readdir } from 'node:fs/promises';
import path from 'node:path';
import { run } from '../run.js';
import { fetchPackage, resolveDependency } from './debian-packages.js';

export interface DebianKernel {
  /** `uname -r` inside the guest, e.g. 6.1.0-56-amd64. */
  release: string;
  packageName: string;
  packageVersion: string;
  vmlinuz: string;
  /** lib/modules/<release> of the unpacked package, with a modules.dep made for it. */
  moduleDir: string;
}

/**
 * The release string a bzImage carries in its setup header (boot protocol 2.00+:
 * a pointer at 0x20e, relative to 0x200), so a kernel file can be identified
 * without booting it.
 */
export async function readKernelRelease(vmlinuz: string): Promise<string> {
  const handle = await open(vmlinuz, 'r');
  try {
    const buf = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    if (bytesRead < 0x210 || buf.toString('latin1', 0x202, 0x206) !== 'HdrS') {
      throw new Error(`${vmlinuz} is not a bzImage`);
    }
    const start = buf.readUInt16LE(0x20e) + 0x200;
    const end = buf.indexOf(0, start);
    if (end <= start || end > bytesRead) throw new Error(`${vmlinuz} has no version string`);
    const release = buf.toString('latin1', start, end).split(' ')[0];
    if (!release) throw new Error(`${vmlinuz} has an empty version string`);
    return release;
  } finally {
    await handle.close();
  }
}

/** Debian 12's current kernel, unpacked under workDir: nothing is installed on the host. */
export async function fetchDebianKernel(workDir: string): Promise<DebianKernel> {
  const packageName = await resolveDependency('linux-image-amd64', /^linux-image-\d/);
  const pkg = await fetchPackage(packageName, workDir);
  const releases = await readdir(path.join(pkg.root, 'lib/modules'));
  const release = releases[0];
  if (releases.length !== 1 || !release) {
    throw new Error(`${packageName} holds ${releases.length} module trees, expected one`);
  }
  const vmlinuz = path.join(pkg.root, 'boot', `vmlinuz-${release}`);
  const headerRelease = await readKernelRelease(vmlinuz);
  if (headerRelease !== release) {
    throw new Error(`${packageName}: vmlinuz says ${headerRelease}, modules say ${release}`);
  }
  // The package ships no modules.dep: the host's depmod writes it at install time.
  // Busybox's depmod (already on the host) writes the same format without kmod.
  await run('busybox', ['depmod', '-b', pkg.root, release], { timeoutMs: 5 * 60_000 });
  return {
    release,
    packageName,
    packageVersion: pkg.version,
    vmlinuz,
    moduleDir: path.join(pkg.root, 'lib/modules', release),
  };
}
