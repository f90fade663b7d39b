import { randomUUID } from 'node:crypto';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { CloneRequest, Operation } from '@berth/contracts';
import { badRequest, conflict, notFound, unsupported, wrongState } from '@berth/contracts';
import { driveOf, vmPaths } from '../drivers/qemu/cmdline.js';
import {
  imageSnapshots,
  liveDeleteSnapshot,
  liveDiskSnapshot,
  offlineSnapshot,
} from '../drivers/qemu/internal-snapshots.js';
import { Qmp } from '../drivers/qemu/qmp.js';
import { pathExists } from '../host/files.js';
import { cmdlineOf, readPidfile } from '../host/proc.js';
import type { Intent } from '../journal/intent.js';
import { run } from '../run.js';
import { assertFreeSpace, explainNoSpace } from '../storage/free-space.js';
import { convertWithProgress } from '../storage/qcow2.js';
import type { VmRecord } from './vm-record.js';
import { macFor, tapFor, type Vms } from './vms.js';

type CloneIntent = Extract<Intent, { type: 'vm.clone' }>;

/** The QEMU drive id of a VM's disk (see cmdline.ts). */

/** A disk being copied, renamed to its own name once whole. */
const partial = (file: string) => `${file}.part`;

/** What the copy of a disk takes at most: every layer of its backing chain, as allocated. */
export async function allocatedBytes(file: string): Promise<number> {
  const { stdout } = await run('qemu-img', [
    'info',
    '--output=json',
    '-U',
    '--backing-chain',
    file,
  ]);
  const chain = JSON.parse(stdout) as Array<{ 'actual-size'?: number }>;
  return chain.reduce((sum, layer) => sum + (layer['actual-size'] ?? 0), 0);
}

/**
 * Full clones of VMs: every disk copied with `qemu-img convert` (flattening a template's
 * backing file) into a new VM with its own id, name and MACs. A running or paused source is
 * copied from a temporary disk-only snapshot taken for the purpose and deleted after; a
 * stopped one from its disks as they are, or from one of its snapshots. Journaled: a kill
 * before the clone's record is saved removes the clone and the temporary snapshot.
 */
export class VmClones {
  constructor(private readonly vms: Vms) {}

  async clone(
    id: string,
    req: CloneRequest,
    nameTaken: (name: string) => boolean,
  ): Promise<Operation> {
    const source = this.vms.resolve(id);
    this.vms.busy.assertIdle(source.id);
    if (req.pool) {
      throw badRequest('VM disks stay in the agent data dir; pools are for containers', 'pool');
    }
    if (req.mode === 'linked') {
      // An overlay needs a base that never changes again; a VM's own disk changes whenever it runs.
      throw unsupported(
        `linked clones share a read-only base; ${source.name}'s disks change whenever it runs: make a full clone`,
      );
    }
    if (req.snapshot && !source.snapshots?.some((s) => s.name === req.snapshot)) {
      throw notFound(`snapshot ${req.snapshot} of ${source.name}`);
    }
    if (nameTaken(req.name)) throw conflict(`an instance named ${req.name} exists already`, 'name');
    const state = await this.vms.state(source);
    const live = state === 'running' || state === 'paused';
    if (!live && state !== 'stopped' && state !== 'suspended') {
      throw wrongState(`${source.name} is ${state}; clone it running, paused or stopped`);
    }
    const sourceDir = this.vms.target(source).dir;
    const sourceDisks = source.disks.map((d) => path.join(sourceDir, d.file));
    if (req.snapshot) {
      for (const file of sourceDisks) {
        const { snapshots } = await imageSnapshots(file);
        if (!snapshots.some((s) => s.name === req.snapshot)) {
          throw conflict(
            `${path.basename(file)} was added after snapshot ${req.snapshot}; clone the present state instead`,
          );
        }
      }
    }
    const sizes = await Promise.all(sourceDisks.map(allocatedBytes));
    const total = sizes.reduce((a, b) => a + b, 0);
    await assertFreeSpace(path.dirname(sourceDir), total, `a full clone of ${source.name}`);
    // Checked again: the awaits above let another request take the name meanwhile.
    if (nameTaken(req.name)) throw conflict(`an instance named ${req.name} exists already`, 'name');

    const cloneId = randomUUID();
    const record: VmRecord = {
      ...source,
      id: cloneId,
      name: req.name,
      disks: source.disks.map((d) => ({ ...d, template: null })),
      nics: source.nics.map((n, i) => ({ ...n, mac: macFor(cloneId, i), tap: tapFor(cloneId, i) })),
      onboot: false,
      createdAt: new Date().toISOString(),
      suspended: false,
      snapshots: undefined,
      currentSnapshot: undefined,
      // A USB stick's image is the source's own file, not copied with the disks.
      usb: source.usb?.filter((u) => u.kind !== 'storage'),
      started: undefined,
    };
    const dir = this.vms.target(record).dir;
    const temp = `berth-clone-${cloneId.slice(0, 8)}`;
    const intent: CloneIntent = { type: 'vm.clone', vmId: cloneId, dir, sourceDir, sourceDisks };
    this.vms.pendingNames.add(req.name);
    try {
      return this.vms.busy.start(
        cloneId,
        'instance.clone',
        async (progress, step) => {
          let snapshot = req.snapshot ?? null;
          try {
            if (live) {
              progress(2, `taking a temporary snapshot of ${source.name}`);
              await step('vm.clone.snapshot', { tempSnapshot: temp });
              await liveDiskSnapshot(
                await this.vms.qemu.qmp(this.vms.target(source)),
                source.disks.map((d) => driveOf(d.file)),
                temp,
              );
              snapshot = temp;
            }
            await step('vm.clone.copy');
            await rm(dir, { recursive: true, force: true });
            await mkdir(dir, { recursive: true, mode: 0o700 });
            let done = 0;
            for (const [i, from] of sourceDisks.entries()) {
              const to = path.join(dir, record.disks[i]!.file);
              const share = total > 0 ? (sizes[i] ?? 0) / total : 1 / sourceDisks.length;
              const base = 5 + (done / Math.max(total, 1)) * 85;
              await copyDisk(from, partial(to), snapshot, (f) =>
                progress(
                  Math.min(90, base + f * share * 85),
                  `copying ${record.disks[i]!.file} of ${source.name}`,
                ),
              );
              await rename(partial(to), to);
              done += sizes[i] ?? 0;
            }
            await this.dropTemp(source, live ? temp : null);
            progress(95, 'saving the clone');
            await step('vm.create.record');
            // Saving the record is the commit point: before it, nothing of the clone is visible.
            await this.vms.save(record);
          } catch (err) {
            await this.dropTemp(source, live ? temp : null).catch(() => undefined);
            await rm(dir, { recursive: true, force: true });
            throw await explainNoSpace(err, dir);
          } finally {
            this.vms.pendingNames.delete(req.name);
          }
          const instance = await this.vms.get(cloneId);
          this.vms.states.updated(instance);
          return instance;
        },
        intent,
      );
    } catch (err) {
      this.vms.pendingNames.delete(req.name);
      throw err;
    }
  }

  /** Deletes the temporary snapshot from the source's disks, live or (once it stopped) offline. */
  private async dropTemp(source: VmRecord, temp: string | null): Promise<void> {
    if (!temp) return;
    await dropSnapshot(
      this.vms.target(source).dir,
      source.disks.map((d) => d.file),
      temp,
      (await this.vms.state(source)) === 'stopped'
        ? null
        : await this.vms.qemu.qmp(this.vms.target(source)),
    );
  }
}

/** A disk (or one of its snapshots) copied whole, with progress. */
export async function copyDisk(
  from: string,
  to: string,
  snapshot: string | null,
  progress: (fraction: number) => void,
): Promise<void> {
  const args = ['-U', '-O', 'qcow2'];
  if (snapshot) args.push('-l', `snapshot.name=${snapshot}`);
  await convertWithProgress([...args, from, to], progress);
}

async function dropSnapshot(
  dir: string,
  files: string[],
  name: string,
  qmp: Qmp | null,
): Promise<void> {
  for (const file of files) {
    if (qmp) await liveDeleteSnapshot(qmp, driveOf(file), name);
    else if ((await imageSnapshots(path.join(dir, file))).snapshots.some((s) => s.name === name))
      await offlineSnapshot(path.join(dir, file), 'delete', name);
  }
}

/**
 * A clone a killed agent left: kept once its record was saved, else its folder goes; the
 * temporary snapshot of a running source is deleted either way (through QMP when its QEMU
 * still runs, which it does: VMs outlive the agent).
 */
export async function settleVmClone(intent: CloneIntent): Promise<string> {
  if (intent.tempSnapshot) {
    const pid = await readPidfile(vmPaths(intent.sourceDir).pidfile);
    const running =
      pid !== null && (await cmdlineOf(pid)).includes(path.basename(intent.sourceDir));
    const qmp = running ? await Qmp.connect(vmPaths(intent.sourceDir).qmp, () => undefined) : null;
    try {
      await dropSnapshot(
        intent.sourceDir,
        intent.sourceDisks.map((f) => path.basename(f)),
        intent.tempSnapshot,
        qmp,
      );
    } finally {
      qmp?.close();
    }
  }
  if (await pathExists(path.join(intent.dir, 'vm.json')))
    return 'the clone had been saved and is kept';
  await rm(intent.dir, { recursive: true, force: true });
  return 'rolled back: removed the clone’s folder and disks';
}
