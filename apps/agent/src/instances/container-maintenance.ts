import { chown, lstat, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type {
  DisableRequest,
  Instance,
  KeepFolder,
  Operation,
  ReinstallRequest,
  RenameRequest,
} from '@berth/contracts';
import { AppError, ErrorCode, conflict, wrongState } from '@berth/contracts';
import type { Intent } from '../journal/intent.js';
import { releaseImage } from '../recovery/loop-mounts.js';
import { run } from '../run.js';
import {
  createImage,
  detachImage,
  MiB,
  waitDetached,
  withMountedImage,
} from '../storage/disk-image.js';
import { assertFreeSpace, explainNoSpace } from '../storage/free-space.js';
import { shiftOwnership } from '../storage/id-shift.js';
import type { Templates } from '../templates/templates.js';
import type { Containers } from './containers.js';
import { customizeRootfs, hostsLine } from './customize.js';
import type { ContainerRecord } from './record.js';

type ReinstallIntent = Extract<Intent, { type: 'ct.reinstall' }>;

/** The new image of a reinstall, beside the old one until it is whole. */
const fresh = (image: string) => `${image}.reinstall`;

/**
 * Runs inside a running container as its root: the hostname ($1) into /etc/hostname and the
 * UTS namespace, and /etc/hosts's own line ($2) replaced. Data comes as arguments, never as code.
 */
const SET_HOSTNAME = [
  'set -e',
  'printf "%s\\n" "$1" > /etc/hostname',
  '{ grep -v "^127\\.0\\.1\\.1[[:space:]]" /etc/hosts 2>/dev/null || true; printf "%s\\n" "$2"; } > /etc/hosts.berth',
  'mv /etc/hosts.berth /etc/hosts',
  'hostname "$1"',
].join('\n');

/**
 * Container maintenance ("Managing containers" in Parallels Server Bare Metal): rename (name and
 * hostname), disable/enable (a disabled container is refused a start), and reinstall (a new
 * root filesystem from the template, built beside the old one and swapped in by a rename).
 */
export class ContainerMaintenance {
  constructor(
    private readonly containers: Containers,
    private readonly templates: Templates,
  ) {}

  /**
   * Renames a running or stopped container. The hostname's files are written first and the
   * record (an atomic save) last: a kill between them leaves the old name, and a repeat of the
   * request writes the same files again.
   */
  async rename(
    id: string,
    req: RenameRequest,
    nameTaken: (name: string) => boolean,
  ): Promise<Instance> {
    const record = this.containers.resolve(id);
    const sameName = req.name.toLowerCase() === record.name.toLowerCase();
    if (!sameName && nameTaken(req.name)) {
      throw conflict(`an instance named ${req.name} exists already`, 'name');
    }
    const hostname = req.hostname ?? record.hostname;
    return this.containers.busy.hold(record.id, 'instance.rename', async () => {
      if (hostname !== record.hostname) await this.setHostname(record, hostname);
      // Checked again after the awaits: another rename may have taken the name meanwhile.
      if (!sameName && nameTaken(req.name)) {
        throw conflict(`an instance named ${req.name} exists already`, 'name');
      }
      return this.containers.commit({
        ...this.containers.resolve(record.id),
        name: req.name,
        hostname,
      });
    });
  }

  /** Marks a container disabled (refused a start; one that runs keeps running) or enabled. */
  async setDisabled(id: string, req: DisableRequest): Promise<Instance> {
    const record = this.containers.resolve(id);
    return this.containers.busy.hold(
      record.id,
      req.disabled ? 'instance.disable' : 'instance.enable',
      () => {
        const next: ContainerRecord = { ...this.containers.resolve(record.id) };
        if (req.disabled) next.disabled = true;
        else delete next.disabled;
        return this.containers.saveRecord(next);
      },
    );
  }

  /**
   * Recreates a stopped container's root filesystem from its template, keeping its record (CT
   * ID, name, config, address, limits, snapshots) and, when asked, /root and /home. The new
   * image is built beside the old one and renamed over it: a kill before the rename leaves the
   * old filesystem, one after it the new (see settleContainerReinstall).
   */
  async reinstall(id: string, req: ReinstallRequest): Promise<Operation> {
    const record = this.containers.resolve(id);
    this.containers.busy.assertIdle(record.id);
    const { state } = await this.containers.lxc.info(record.ctid);
    if (state !== 'stopped') {
      throw wrongState(`CT ${record.ctid} is ${state}: stop it to reinstall it`);
    }
    const image = this.containers.imageOf(record);
    const next = fresh(image);
    // Sparse images: the template's tree, and what the kept folders hold (bounded by the old image).
    const template = (await this.templates.minDiskBytes(record.template)) ?? 64 * MiB;
    const kept = req.keep.length ? (await stat(image)).blocks * 512 : 0;
    await assertFreeSpace(path.dirname(image), template + kept, `reinstalling CT ${record.ctid}`);
    const intent: ReinstallIntent = { type: 'ct.reinstall', ctid: record.ctid, image, next };
    return this.containers.busy.start(
      record.id,
      'instance.reinstall',
      async (progress, step) => {
        await this.templates.ensure(record.template, (f, m) => progress(f * 20, `template: ${m}`));
        await waitDetached(image);
        await step('ct.reinstall.image');
        try {
          await rm(next, { force: true });
          progress(20, 'allocating the new private area');
          await createImage(next, record.diskSizeBytes, record.limits?.disk?.inodes);
          await withMountedImage(next, async (root) => {
            await step('ct.reinstall.unpack', { mountDir: root });
            progress(25, `unpacking ${record.template}`);
            await this.templates.extract(record.template, root, (f, m) => progress(25 + f * 50, m));
            await customizeRootfs(root, record);
            if (record.idmap) await shiftOwnership(root, record.idmap);
            if (req.keep.length === 0) return;
            progress(80, `keeping ${req.keep.map((k) => `/${k}`).join(' and ')}`);
            await withMountedImage(image, async (old) => {
              await step('ct.reinstall.keep', { oldMountDir: old });
              // Owners come along as they are: the old tree is in the same id range.
              for (const folder of req.keep) await carryOver(old, root, folder);
            });
          });
        } catch (err) {
          await detachImage(next);
          await rm(next, { force: true });
          throw await explainNoSpace(err, next);
        }
        progress(95, 'swapping in the new root filesystem');
        await step('ct.reinstall.swap', { swapping: true });
        await rename(next, image);
        return this.containers.saveRecord(this.containers.resolve(record.id));
      },
      intent,
    );
  }

  private async setHostname(record: ContainerRecord, hostname: string): Promise<void> {
    const { state } = await this.containers.lxc.info(record.ctid);
    if (state === 'running') {
      const result = await this.containers.lxc.attach(
        record.ctid,
        ['/bin/sh', '-c', SET_HOSTNAME, 'sh', hostname, hostsLine(hostname)],
        { timeoutMs: 15_000 },
      );
      if (result.code !== 0) {
        throw new AppError(
          ErrorCode.hostError,
          `setting the hostname inside CT ${record.ctid} failed: ${result.stderr.trim() || `exit ${result.code}`}`,
        );
      }
      return;
    }
    if (state !== 'stopped') {
      throw wrongState(
        `CT ${record.ctid} is ${state}: its hostname changes when running or stopped`,
      );
    }
    const image = this.containers.imageOf(record);
    await waitDetached(image);
    await withMountedImage(image, (root) =>
      writeHostname(root, hostname, record.idmap?.hostBase ?? 0),
    );
  }
}

/**
 * Writes /etc/hostname and /etc/hosts into a stopped container's tree from the host. The tree
 * is the container's to shape: nothing is written through a symlink (each file is replaced by
 * a rename) and /etc itself must be a real folder.
 */
async function writeHostname(root: string, hostname: string, owner: number): Promise<void> {
  const etc = path.join(root, 'etc');
  if (!(await lstat(etc).catch(() => null))?.isDirectory()) {
    throw conflict("the container's /etc is not a folder; its hostname cannot be written");
  }
  const hostsFile = path.join(etc, 'hosts');
  const hosts = (await lstat(hostsFile).catch(() => null))?.isFile()
    ? await readFile(hostsFile, 'utf8')
    : '';
  const others = hosts.split('\n').filter((l) => l !== '' && !/^127\.0\.1\.1\s/.test(l));
  await replaceFile(path.join(etc, 'hostname'), `${hostname}\n`, owner);
  await replaceFile(hostsFile, `${[...others, hostsLine(hostname)].join('\n')}\n`, owner);
}

/** Replaces a file of a container's tree by a rename, never writing through a symlink. */
export async function replaceFile(file: string, text: string, owner: number): Promise<void> {
  const tmp = `${file}.berth`;
  await rm(tmp, { force: true });
  await writeFile(tmp, text, { flag: 'wx', mode: 0o644 });
  await chown(tmp, owner, owner);
  await rename(tmp, file);
}

/** Replaces /<folder> of the new tree with the old tree's, when the old one is a real folder. */
async function carryOver(oldRoot: string, newRoot: string, folder: KeepFolder): Promise<void> {
  const from = path.join(oldRoot, folder);
  if (!(await lstat(from).catch(() => null))?.isDirectory()) return;
  const to = path.join(newRoot, folder);
  await rm(to, { recursive: true, force: true });
  await run('cp', ['-a', '--', from, to], { timeoutMs: 3_600_000 });
}

/** A reinstall a killed agent left: finished once it reached the rename, else undone. */
export async function settleContainerReinstall(intent: ReinstallIntent): Promise<string> {
  await releaseImage(intent.image, undefined, intent.oldMountDir);
  await releaseImage(intent.next, undefined, intent.mountDir);
  const built = await lstat(intent.next).catch(() => null);
  if (intent.swapping) {
    if (built) await rename(intent.next, intent.image);
    return `finished: CT ${intent.ctid} has its new root filesystem`;
  }
  await rm(intent.next, { force: true });
  return `rolled back: CT ${intent.ctid} keeps its old root filesystem`;
}
