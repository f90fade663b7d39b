import { readFile } from 'node:fs/promises';

/** uid → user name from a passwd file's text. */
export function usersOf(passwd: string): Map<number, string> {
  const users = new Map<number, string>();
  for (const line of passwd.split('\n')) {
    const [name, , uid] = line.split(':');
    if (name && uid && /^\d+$/.test(uid)) users.set(Number(uid), name);
  }
  return users;
}

/**
 * A running container's users, read from the host through its init's root
 * (/proc/<pid>/root sees the container's own mounts), so no command runs inside.
 */
export async function containerUsers(initPid: number): Promise<Map<number, string>> {
  return usersOf(await readFile(`/proc/${initPid}/root/etc/passwd`, 'utf8').catch(() => ''));
}
