import path from 'node:path';
import type { ShellSettings } from '@berth/contracts';
import { badRequest } from '@berth/contracts';
import { DEFAULT_PATH } from '../drivers/lxc/lxc.js';
import { pathExists } from '../host/files.js';

export interface ShellTarget {
  program: string;
  user: string;
  uid: number;
  gid: number;
  env: Record<string, string>;
}

interface PasswdEntry {
  uid: number;
  gid: number;
  home: string;
}

export function findUser(passwd: string, user: string): PasswdEntry | null {
  for (const line of passwd.split('\n')) {
    const [name, , uid, gid, , home] = line.split(':');
    if (name === user && uid !== undefined && gid !== undefined) {
      return { uid: Number(uid), gid: Number(gid), home: home || '/' };
    }
  }
  return null;
}

/**
 * What a console shell runs inside a container: the configured program, else bash when the
 * image has it, else sh; as the configured user, else root. Programs are looked up through
 * /proc/<init>/root; passwd comes from `readPasswd`, which must read it inside the container,
 * because an absolute symlink under /proc/<init>/root would resolve on the host.
 */
export async function resolveShell(
  initPid: number,
  settings: ShellSettings,
  readPasswd: () => Promise<string>,
): Promise<ShellTarget> {
  const root = `/proc/${initPid}/root`;
  const exists = (p: string) => pathExists(path.join(root, p));
  let program = settings.program;
  if (program && !(await exists(program))) {
    throw badRequest(`the shell ${program} does not exist in this container`, 'shell.program');
  }
  program ??= (await exists('/bin/bash')) ? '/bin/bash' : '/bin/sh';
  const user = settings.user ?? 'root';
  const passwd = await readPasswd().catch(() => '');
  const entry =
    findUser(passwd, user) ?? (user === 'root' ? { uid: 0, gid: 0, home: '/root' } : null);
  if (!entry) throw badRequest(`there is no user ${user} in this container`, 'shell.user');
  return {
    program,
    user,
    uid: entry.uid,
    gid: entry.gid,
    env: {
      TERM: 'xterm-256color',
      COLORTERM: 'truecolor',
      LANG: 'C.UTF-8',
      HOME: entry.home,
      USER: user,
      LOGNAME: user,
      SHELL: program,
      PATH: DEFAULT_PATH,
    },
  };
}
