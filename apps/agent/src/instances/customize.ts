import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { run } from '../run.js';
import { badRequest, hasControlCharacters } from '@berth/contracts';

export interface Customization {
  hostname: string;
  dns: string[];
  /** The search domain: the network's DNS domain when its gateway was chosen as the resolver. */
  dnsSearch?: string;
  rootPassword?: string;
}

/** SHA-512 crypt through openssl, the password on stdin so it never shows in a process list. */
export async function hashPassword(password: string): Promise<string> {
  // The agent may be called directly with its token, past the API's contract: a NUL or a newline
  // would make openssl hash a shorter password, or nothing at all.
  if (hasControlCharacters(password) || password.length === 0) {
    throw badRequest('root password cannot be empty or contain control characters', 'rootPassword');
  }
  const { stdout } = await run('openssl', ['passwd', '-6', '-stdin'], { input: `${password}\n` });
  const hash = stdout.trim();
  // Never write an empty or foreign hash: an empty one would mean "no password".
  if (!/^\$6\$[^:\s]+\$[^:\s]+$/.test(hash)) throw new Error('openssl passwd gave no SHA-512 hash');
  return hash;
}

/** Replaces root's hash in a shadow file's text. */
export function withRootHash(shadow: string, hash: string): string {
  const lines = shadow.split('\n').filter((l, i, all) => l !== '' || i < all.length - 1);
  const rest = (line: string) => line.split(':').slice(2).join(':');
  const index = lines.findIndex((l) => l.startsWith('root:'));
  const rootLine = `root:${hash}:${index >= 0 ? rest(lines[index] as string) : '19000:0:99999:7:::'}`;
  if (index >= 0) lines[index] = rootLine;
  else lines.unshift(rootLine);
  return `${lines.join('\n')}\n`;
}

/** /etc/hosts's line for the machine's own name (Debian's convention: 127.0.1.1, then the short name). */
export function hostsLine(hostname: string): string {
  const short = hostname.split('.')[0];
  return `127.0.1.1\t${hostname}${short !== hostname ? `\t${short}` : ''}`;
}

/** A container's /etc/resolv.conf from its record. */
export function resolvConf(c: Pick<Customization, 'dns' | 'dnsSearch'>): string {
  const search = c.dnsSearch ? `search ${c.dnsSearch}\n` : '';
  return search + c.dns.map((ip) => `nameserver ${ip}\n`).join('');
}

/** Writes the per-container identity into a freshly unpacked root filesystem. */
export async function customizeRootfs(root: string, c: Customization): Promise<void> {
  const etc = path.join(root, 'etc');
  await writeFile(path.join(etc, 'hostname'), `${c.hostname}\n`);
  await writeFile(
    path.join(etc, 'hosts'),
    `127.0.0.1\tlocalhost\n${hostsLine(c.hostname)}\n::1\tlocalhost ip6-localhost ip6-loopback\n`,
  );
  // resolv.conf may be a symlink into the template; replace it rather than write through it.
  await rm(path.join(etc, 'resolv.conf'), { force: true });
  await writeFile(path.join(etc, 'resolv.conf'), resolvConf(c));
  if (c.rootPassword !== undefined) {
    const shadowFile = path.join(etc, 'shadow');
    const shadow = await readFile(shadowFile, 'utf8').catch(() => '');
    await writeFile(shadowFile, withRootHash(shadow, await hashPassword(c.rootPassword)), {
      mode: 0o600,
    });
  }
}
