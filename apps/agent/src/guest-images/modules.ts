import { copyFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * What Debian's kernel builds as modules but a QEMU guest needs: virtio transport
 * and devices, disks on virtio-scsi and q35's AHCI (sata, ide) and its CD drives,
 * and the ACPI power button plus evdev so an ACPI shutdown request reaches acpid.
 * Order is load order.
 */
export const GUEST_MODULES = [
  'virtio_pci',
  'virtio_net',
  'virtio_blk',
  'virtio_scsi',
  'ahci',
  'sd_mod',
  'sr_mod',
  'virtio_console',
  'virtio_balloon',
  'virtio_rng',
  'evdev',
  'button',
] as const;

export function moduleName(file: string): string {
  return path
    .basename(file)
    .replace(/\.ko(\.\w+)?$/, '')
    .replace(/-/g, '_');
}

/** modules.dep as a map from module name to its file and its dependencies' files. */
export function parseModulesDep(text: string): Map<string, { file: string; deps: string[] }> {
  const byName = new Map<string, { file: string; deps: string[] }>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const file = line.slice(0, colon).trim();
    const deps = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/)
      .filter(Boolean);
    byName.set(moduleName(file), { file, deps });
  }
  return byName;
}

/**
 * The files to copy for `wanted`, dependencies first. Names the kernel has built in
 * are dropped from the load list; a name that is neither is an error, so a typo or
 * a renamed driver fails the build instead of the guest's boot.
 */
export function moduleClosure(
  wanted: readonly string[],
  dep: Map<string, { file: string; deps: string[] }>,
  builtin: Set<string>,
): { files: string[]; load: string[] } {
  const files: string[] = [];
  const seen = new Set<string>();
  const byFile = new Map([...dep.values()].map((m) => [m.file, m]));
  const visit = (file: string, chain: string[]) => {
    if (seen.has(file)) return;
    if (chain.includes(file)) throw new Error(`module dependency cycle: ${chain.join(' -> ')}`);
    const entry = byFile.get(file);
    if (!entry) throw new Error(`modules.dep lists ${file} as a dependency but not as a module`);
    for (const d of entry.deps) visit(d, [...chain, file]);
    seen.add(file);
    files.push(file);
  };
  const load: string[] = [];
  for (const name of wanted) {
    const entry = dep.get(name);
    if (entry) {
      visit(entry.file, []);
      load.push(name);
    } else if (!builtin.has(name)) {
      throw new Error(`kernel module ${name} is neither a module nor built in`);
    }
  }
  return { files, load };
}

/** Copies the closure of GUEST_MODULES into root's lib/modules/<release>; returns the load list. */
export async function installGuestModules(
  moduleDir: string,
  release: string,
  root: string,
): Promise<string[]> {
  const dep = parseModulesDep(await readFile(path.join(moduleDir, 'modules.dep'), 'utf8'));
  const builtin = new Set(
    (await readFile(path.join(moduleDir, 'modules.builtin'), 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map(moduleName),
  );
  const { files, load } = moduleClosure(GUEST_MODULES, dep, builtin);
  const target = path.join(root, 'lib/modules', release);
  for (const file of files) {
    await mkdir(path.dirname(path.join(target, file)), { recursive: true });
    await copyFile(path.join(moduleDir, file), path.join(target, file));
  }
  await copyFile(path.join(moduleDir, 'modules.builtin'), path.join(target, 'modules.builtin'));
  return load;
}
