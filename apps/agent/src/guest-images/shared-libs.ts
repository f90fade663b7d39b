import { constants } from 'node:fs';
import { chmod, copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { run } from '../run.js';

/**
 * Absolute paths from `ldd` output, dynamic loader included. The vDSO has no file;
 * a "not found" library is an error here rather than a guest binary that cannot start.
 */
export function parseLdd(output: string, binary: string): string[] {
  if (/not a dynamic executable|statically linked/.test(output)) return [];
  const files: string[] = [];
  const missing: string[] = [];
  for (const raw of output.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    const arrow = /^(\S+)\s+=>\s+(\S+)/.exec(line);
    if (arrow) {
      if (arrow[2] === 'not') missing.push(arrow[1] as string);
      else if (arrow[2]?.startsWith('/')) files.push(arrow[2]);
      continue;
    }
    const direct = /^(\/\S+)\s+\(0x[0-9a-f]+\)$/.exec(line);
    if (direct?.[1]) files.push(direct[1]);
  }
  if (missing.length > 0) {
    throw new Error(`${binary} needs libraries this host lacks: ${missing.join(', ')}`);
  }
  return files;
}

/**
 * Copies `binary` to `dest` inside root, and every library it loads to the same
 * path it has on the host. Symlinks are followed: the guest gets real files named
 * the way the loader looks for them (e.g. /lib64/ld-linux-x86-64.so.2).
 */
export async function installWithLibraries(
  binary: string,
  root: string,
  dest: string,
): Promise<string[]> {
  // ldd exits 1 for a static binary and says so; that is an answer, not a failure.
  const { stdout, stderr, code } = await run('ldd', [binary], { okCodes: [1] });
  const output = `${stdout}\n${stderr}`;
  if (code !== 0 && !/not a dynamic executable/.test(output)) {
    throw new Error(`ldd ${binary} failed: ${output.trim()}`);
  }
  const libs = parseLdd(output, binary);
  const target = path.join(root, dest);
  await mkdir(path.dirname(target), { recursive: true });
  // EXCL: never write through a symlink already in the tree (applet links point at /bin/busybox).
  await copyFile(binary, target, constants.COPYFILE_EXCL);
  await chmod(target, 0o755);
  for (const lib of libs) {
    const libTarget = path.join(root, lib);
    await mkdir(path.dirname(libTarget), { recursive: true });
    try {
      await copyFile(lib, libTarget, constants.COPYFILE_EXCL);
    } catch (err) {
      // Another binary already brought the same library.
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw err;
    }
    await chmod(libTarget, 0o755);
  }
  return libs;
}
