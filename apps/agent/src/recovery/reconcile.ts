import { readdir, rm, rmdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Leftover } from '@berth/contracts';
import { vmPaths } from '../drivers/qemu/cmdline.js';
import { cmdlineOf, processAlive, readPidfile } from '../host/proc.js';
import type { Log } from '../log.js';
import { exec } from '../run.js';
import { IMPORT_PREFIX, importOwner } from '../storage/disk-import.js';
import { UPLOAD_PREFIX } from '../storage/isos.js';
import { BUILD_PREFIX } from '../templates/templates.js';
import { loopBackings, mountsOf, releaseImage } from './loop-mounts.js';
import type { Quarantine } from './quarantine.js';
import { pathExists } from '../host/files.js';

export interface HostLayout {
  lxcpath: string;
  imageDir: string;
  vmsDir: string;
  templateDir: string;
  isoDir: string;
}

const list = (dir: string) => readdir(dir).catch(() => [] as string[]);

/** The owner's pid in a build folder's name (`.build-busybox-123-Ab12Cd`, `.build-123-Ab12Cd`). */
const buildOwner = (name: string) => Number(/-(\d+)-[^-]+$/.exec(name)?.[1] ?? 0);

/**
 * Runs at start after the journal replay: whatever belongs to no known instance or running
 * operation is cleaned (work folders, sockets, mounts) or quarantined (data someone may
 * want), never reused. Reads directories and /proc, /sys only: no process per instance.
 */
export async function reconcileHost(layout: HostLayout, quarantine: Quarantine, log: Log) {
  const found: Leftover[] = [];
  const keep = async (kind: Leftover['kind'], description: string, source: string) => {
    found.push(await quarantine.add(kind, description, source));
  };
  const backings = await loopBackings();

  const knownCtids = new Set<string>();
  for (const entry of await list(layout.lxcpath)) {
    if (!/^\d+$/.test(entry)) continue;
    const dir = path.join(layout.lxcpath, entry);
    if (await pathExists(path.join(dir, 'berth.json'))) knownCtids.add(entry);
    else await keep('container-dir', `LXC folder of CT ${entry}, without a record`, dir);
  }
  for (const entry of await list(layout.imageDir)) {
    const ctid = /^(\d+)\.img$/.exec(entry)?.[1];
    if (!ctid || knownCtids.has(ctid)) continue;
    const image = path.join(layout.imageDir, entry);
    await releaseImage(image, backings);
    await keep('container-image', `disk image of CT ${ctid}, without a container`, image);
  }
  await releaseWorkMounts(layout.imageDir, backings);

  for (const entry of await list(layout.vmsDir)) {
    const dir = path.join(layout.vmsDir, entry);
    if (!(await pathExists(path.join(dir, 'vm.json')))) {
      await keep('vm-dir', `folder of VM ${entry}, without a record`, dir);
      continue;
    }
    for (const file of await list(dir)) {
      const owner = file.startsWith(IMPORT_PREFIX) ? importOwner(file) : null;
      if (owner === null || owner === process.pid || (owner && (await processAlive(owner))))
        continue;
      await rm(path.join(dir, file), { force: true });
      log.info({ vm: entry, file }, 'removed an abandoned disk upload');
    }
    const p = vmPaths(dir);
    const pid = await readPidfile(p.pidfile);
    if (pid && (await cmdlineOf(pid)).includes(entry)) continue;
    await Promise.all([p.qmp, p.vnc, p.qga, p.serial].map((s) => rm(s, { force: true })));
  }

  const templateFolders = [
    layout.templateDir,
    ...(await list(path.join(layout.templateDir, 'vm'))).map((n) =>
      path.join(layout.templateDir, 'vm', n),
    ),
  ];
  for (const folder of templateFolders) {
    for (const entry of await list(folder)) {
      if (!entry.startsWith(BUILD_PREFIX)) continue;
      const owner = buildOwner(entry);
      if (owner === process.pid || (owner && (await processAlive(owner)))) continue;
      await rm(path.join(folder, entry), { recursive: true, force: true });
      log.info({ folder: entry }, 'removed an abandoned template build');
    }
  }
  for (const entry of await list(layout.isoDir)) {
    if (entry.startsWith(UPLOAD_PREFIX) || entry.startsWith('.adopt-')) {
      await rm(path.join(layout.isoDir, entry), { force: true });
    }
  }
  if (found.length > 0) log.warn({ leftovers: found.map((l) => l.id) }, 'quarantined leftovers');
  return found;
}

/**
 * Mounts a killed agent made to fill or grow an image (berth-mnt-*, berth-grow-* in the
 * temp folder): found by their loop device's backing file, so another agent's are left alone.
 */
async function releaseWorkMounts(imageDir: string, backings: Map<string, string>) {
  const ours = new Set(
    [...backings].filter(([, file]) => path.dirname(file) === imageDir).map(([dev]) => dev),
  );
  const work = path.join(tmpdir(), 'berth-');
  for (const point of await mountsOf(ours)) {
    if (!point.startsWith(`${work}mnt-`) && !point.startsWith(`${work}grow-`)) continue;
    if ((await exec('umount', [point])).code !== 0) await exec('umount', ['-l', point]);
    await rmdir(point).catch(() => undefined);
  }
}
