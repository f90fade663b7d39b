import { chown, mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { run } from '../run.js';

export interface FetchedPackage {
  name: string;
  version: string;
  /** Where the package's files were unpacked (its own filesystem tree). */
  root: string;
}

/**
 * The concrete package a metapackage points at today, e.g. linux-image-amd64 ->
 * linux-image-6.1.0-56-amd64: `apt-get download` fetches exactly the name it is
 * given and does not follow a metapackage's Depends.
 */
export async function resolveDependency(metaPackage: string, pattern: RegExp): Promise<string> {
  const { stdout } = await run('apt-cache', ['depends', metaPackage], { timeoutMs: 60_000 });
  for (const line of stdout.split('\n')) {
    const m = /^\s*\|?Depends:\s*(\S+)/.exec(line);
    const name = m?.[1];
    if (name && pattern.test(name)) return name;
  }
  throw new Error(
    `apt-cache depends ${metaPackage} names no package matching ${pattern}; run apt-get update?`,
  );
}

async function aptSandboxUid(): Promise<number | null> {
  const passwd = await readFile('/etc/passwd', 'utf8').catch(() => '');
  const line = passwd.split('\n').find((l) => l.startsWith('_apt:'));
  const uid = Number(line?.split(':')[2]);
  return Number.isInteger(uid) ? uid : null;
}

/**
 * Downloads one .deb (never installing it on the host) and unpacks its files.
 * apt-get download writes into its working directory, which run() cannot set, so
 * coreutils' `env -C` moves it there without a shell.
 */
export async function fetchPackage(name: string, workDir: string): Promise<FetchedPackage> {
  const debDir = path.join(workDir, 'deb');
  const root = path.join(workDir, 'root');
  await mkdir(debDir, { recursive: true, mode: 0o755 });
  await mkdir(root, { recursive: true });
  // apt downloads as the unprivileged _apt user when it can write the target
  // directory, and otherwise falls back to root with a warning.
  const uid = await aptSandboxUid();
  if (uid !== null) await chown(debDir, uid, 0);
  await run('env', ['-C', debDir, 'apt-get', 'download', '-q', '--', name], {
    timeoutMs: 15 * 60_000,
  });
  const debs = (await readdir(debDir)).filter((f) => f.endsWith('.deb'));
  const deb = debs[0];
  if (debs.length !== 1 || !deb) {
    throw new Error(`apt-get download ${name} left ${debs.length} .deb files, expected one`);
  }
  const debPath = path.join(debDir, deb);
  const { stdout: version } = await run('dpkg-deb', ['--field', debPath, 'Version']);
  await run('dpkg-deb', ['-x', debPath, root], { timeoutMs: 10 * 60_000 });
  return { name, version: version.trim(), root };
}
