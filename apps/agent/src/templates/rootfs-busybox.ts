import { chmod, copyFile, mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { run } from '../run.js';

const BUSYBOX = '/bin/busybox';

/** A tiny root filesystem: Debian's static busybox, its applets as links, and an init. */
export async function buildBusyboxRootfs(root: string): Promise<void> {
  for (const dir of [
    'bin',
    'sbin',
    'usr/bin',
    'usr/sbin',
    'etc/init.d',
    'dev',
    'proc',
    'sys',
    'tmp',
    'root',
    'var/log',
    'run',
    'home',
    'mnt',
  ]) {
    await mkdir(path.join(root, dir), { recursive: true });
  }
  await chmod(path.join(root, 'tmp'), 0o1777);
  await chmod(path.join(root, 'root'), 0o700);
  await copyFile(BUSYBOX, path.join(root, 'bin/busybox'));
  await chmod(path.join(root, 'bin/busybox'), 0o755);
  const { stdout } = await run(BUSYBOX, ['--list-full']);
  for (const applet of stdout
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)) {
    if (applet === 'bin/busybox') continue;
    await symlink('/bin/busybox', path.join(root, applet)).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
    });
  }
  const files: Record<string, string> = {
    'etc/passwd': 'root:x:0:0:root:/root:/bin/sh\n',
    'etc/group': 'root:x:0:\n',
    'etc/shadow': 'root:*:19000:0:99999:7:::\n',
    'etc/fstab': '',
    'etc/hostname': 'busybox\n',
    'etc/os-release': 'NAME="BusyBox"\nID=busybox\nPRETTY_NAME="BusyBox (Berth tiny template)"\n',
    'etc/profile': "export PATH=/bin:/sbin:/usr/bin:/usr/sbin\nexport PS1='\\u@\\h:\\w\\$ '\n",
    // LXC configures eth0 before init runs, so init only has to set the hostname.
    'etc/inittab':
      '::sysinit:/etc/init.d/rcS\n::respawn:/bin/getty -L console 115200 vt100\n::shutdown:/bin/umount -a -r\n',
    'etc/init.d/rcS':
      '#!/bin/sh\nmount -a 2>/dev/null\n[ -f /etc/hostname ] && hostname -F /etc/hostname\n',
  };
  for (const [file, content] of Object.entries(files)) {
    await writeFile(path.join(root, file), content);
  }
  await chmod(path.join(root, 'etc/init.d/rcS'), 0o755);
  await chmod(path.join(root, 'etc/shadow'), 0o600);
}
