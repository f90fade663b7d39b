import path from 'node:path';
import type { TemplatePackageChanges } from '@berth/contracts';
import { pathExists } from '../host/files.js';
import { run } from '../run.js';

/** Package name → version, as dpkg has them installed. */
export type PackageList = Record<string, string>;

/** Reads `dpkg-query -W -f '${Package}\t${Version}\n'`. */
export function parseDpkgList(text: string): PackageList {
  const out: PackageList = {};
  for (const line of text.split('\n')) {
    const [name, version] = line.split('\t');
    if (name?.trim() && version?.trim()) out[name.trim()] = version.trim();
  }
  return out;
}

/**
 * The packages installed in a root filesystem, read by the host's dpkg-query from the tree's
 * own database (nothing in the tree runs); null for a system without dpkg (busybox).
 */
export async function installedPackages(root: string): Promise<PackageList | null> {
  const admindir = path.join(root, 'var/lib/dpkg');
  if (!(await pathExists(path.join(admindir, 'status')))) return null;
  const { stdout } = await run('dpkg-query', [
    `--admindir=${admindir}`,
    '-W',
    '-f=${Package}\\t${Version}\\n',
  ]);
  return parseDpkgList(stdout);
}

/** What changed between two builds' package lists, each part sorted by name. */
export function packageChanges(before: PackageList, after: PackageList): TemplatePackageChanges {
  const names = (o: PackageList) => Object.keys(o).sort();
  return {
    upgraded: names(after)
      .filter((n) => before[n] !== undefined && before[n] !== after[n])
      .map((n) => ({ name: n, from: before[n]!, to: after[n]! })),
    added: names(after)
      .filter((n) => before[n] === undefined)
      .map((n) => ({ name: n, version: after[n]! })),
    removed: names(before)
      .filter((n) => after[n] === undefined)
      .map((n) => ({ name: n, version: before[n]! })),
  };
}
