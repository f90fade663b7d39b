import { rm, writeFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { runLines } from '../run.js';

const PACKAGES = ['systemd-sysv', 'iproute2', 'ifupdown', 'iputils-ping', 'procps', 'less', 'nano'];

/**
 * The container's apt sources: the release, its updates and, where the mirror is laid out like
 * Debian's own (…/debian beside …/debian-security), its security archive, so an update inside
 * the container gets security fixes. debootstrap writes the release alone.
 */
export function aptSources(mirror: string): string {
  const base = mirror.replace(/\/+$/, '');
  const lines = [`deb ${base} bookworm main`, `deb ${base} bookworm-updates main`];
  if (/\/debian$/.test(base)) lines.push(`deb ${base}-security bookworm-security main`);
  return `${lines.join('\n')}\n`;
}

/**
 * Debian 12 from Debian's archive with debootstrap (minbase plus an init and the
 * basic network tools), trimmed of the package caches it leaves behind.
 */
export async function buildDebianRootfs(
  root: string,
  mirror: string,
  progress: (fraction: number, message: string) => void,
): Promise<void> {
  let seen = 0;
  await runLines(
    'debootstrap',
    ['--variant=minbase', `--include=${PACKAGES.join(',')}`, 'bookworm', root, mirror],
    (line) => {
      // debootstrap prints roughly 250 lines; enough to move a progress bar honestly.
      seen++;
      if (line.startsWith('I: ')) progress(Math.min(0.95, seen / 260), line.slice(3));
    },
    { timeoutMs: 30 * 60_000 },
  );
  const archives = path.join(root, 'var/cache/apt/archives');
  for (const entry of await readdir(archives)) {
    if (entry.endsWith('.deb')) await rm(path.join(archives, entry));
  }
  await rm(path.join(root, 'var/lib/apt/lists'), { recursive: true, force: true });
  await writeFile(path.join(root, 'etc/apt/sources.list'), aptSources(mirror));
  await writeFile(path.join(root, 'etc/hostname'), 'debian\n');
  await writeFile(
    path.join(root, 'etc/network/interfaces'),
    // LXC configures eth0 itself; ifupdown must not take it down again.
    'auto lo\niface lo inet loopback\n',
  );
}
