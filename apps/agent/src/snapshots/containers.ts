import { mkdir, rename, rm, rmdir } from 'node:fs/promises';
import path from 'node:path';
import type {
  CreateSnapshotRequest,
  Operation,
  RevertSnapshotRequest,
  SnapshotList,
} from '@berth/contracts';
import { conflict, notFound, unsupported, wrongState } from '@berth/contracts';
import type { Containers } from '../instances/containers.js';
import type { ContainerRecord } from '../instances/record.js';
import { run } from '../run.js';
import { MiB, waitDetached } from '../storage/disk-image.js';
import { assertFreeSpace } from '../storage/free-space.js';
import type { PoolDriver } from '../storage/pools/driver.js';
import type { Pools } from '../storage/pools/pools.js';
import type { SnapshotDriver } from './driver.js';
import { withoutSnapshot, type SnapshotTree } from './tree.js';

/** A reflink writes only metadata; this is a generous bound for it plus the record. */
const REFLINK_BYTES = 8 * MiB;

/** Where a container's snapshot images live in its pool, beside the live images. */
export const snapshotDir = (poolRoot: string, ctid: number) =>
  path.join(poolRoot, 'snapshots', String(ctid));

/** The image a revert writes before it renames it over the live one. */
export const revertTemp = (image: string) => `${image}.revert`;

const treeOf = (record: ContainerRecord): SnapshotTree =>
  record.snapshots ?? { snapshots: [], current: null };

/**
 * Runs work on a container's image while nothing inside writes to it: a running container is
 * frozen and its filesystem synced for that instant, then thawed whatever happens.
 */
export async function withQuietImage<T>(
  containers: Containers,
  record: ContainerRecord,
  work: () => Promise<T>,
  onFrozen?: () => Promise<void>,
): Promise<T> {
  const info = await containers.lxc.info(record.ctid);
  if (info.state !== 'running' || !info.pid) return work();
  await containers.lxc.freeze(record.ctid);
  try {
    await onFrozen?.();
    // The container's root is its own mount namespace's: /proc/<pid>/root reaches it.
    await run('sync', ['-f', `/proc/${info.pid}/root`]);
    return await work();
  } finally {
    await containers.lxc.unfreeze(record.ctid);
  }
}

/**
 * Container snapshots on copy-on-write pools: a snapshot is a reflink of the private area's
 * image, kept in the pool beside it, so it is instant and shares every block it has not
 * changed. The tree lives in the container's record, which is each operation's commit point.
 */
export class ContainerSnapshots implements SnapshotDriver {
  constructor(
    private readonly containers: Containers,
    private readonly pools: Pools,
  ) {}

  private pool(record: ContainerRecord): { name: string; driver: PoolDriver } {
    const name = this.containers.poolOf(record);
    return { name, driver: this.pools.driver(name) };
  }

  private whyNot(record: ContainerRecord): string | null {
    const { name, driver } = this.pool(record);
    if (driver.capabilities.snapshots) return null;
    return `storage pool ${name} cannot take snapshots; copy-on-write pools can (btrfs)`;
  }

  private snapshotFile(record: ContainerRecord, name: string): string {
    return path.join(snapshotDir(this.pool(record).driver.root, record.ctid), `${name}.img`);
  }

  private assertSupported(record: ContainerRecord): void {
    const reason = this.whyNot(record);
    if (reason) throw unsupported(reason);
  }

  private find(record: ContainerRecord, name: string) {
    const node = treeOf(record).snapshots.find((s) => s.name === name);
    if (!node) throw notFound(`snapshot ${name} of CT ${record.ctid}`);
    return node;
  }

  private intent(record: ContainerRecord, action: 'take' | 'revert' | 'delete', name: string) {
    return {
      type: 'ct.snapshot' as const,
      action,
      ctid: record.ctid,
      lxcpath: this.containers.lxc.lxcpath,
      recordFile: path.join(this.containers.lxc.lxcpath, String(record.ctid), 'berth.json'),
      image: this.containers.imageOf(record),
      snapshot: name,
      file: this.snapshotFile(record, name),
    };
  }

  async list(id: string): Promise<SnapshotList> {
    const record = this.containers.resolve(id);
    const tree = treeOf(record);
    const reason = this.whyNot(record);
    const sizes = await this.pool(record)
      .driver.exclusiveBytes(tree.snapshots.map((s) => this.snapshotFile(record, s.name)))
      .catch(() => tree.snapshots.map(() => null));
    return {
      items: tree.snapshots.map((s, i) => ({
        ...s,
        withMemory: false,
        sizeBytes: sizes[i] ?? null,
      })),
      current: tree.current,
      supported: { snapshots: reason === null, memory: false, reason },
    };
  }

  async take(id: string, request: CreateSnapshotRequest): Promise<Operation> {
    const record = this.containers.resolve(id);
    this.assertSupported(record);
    if (request.withMemory) {
      throw unsupported('container snapshots hold the filesystem only (no memory)');
    }
    if (treeOf(record).snapshots.some((s) => s.name === request.name)) {
      throw conflict(`CT ${record.ctid} has a snapshot named ${request.name} already`, 'name');
    }
    const intent = this.intent(record, 'take', request.name);
    return this.containers.busy.start(
      record.id,
      'instance.snapshot.create',
      async (progress, step) => {
        await assertFreeSpace(this.pool(record).driver.root, REFLINK_BYTES, 'a snapshot');
        await mkdir(path.dirname(intent.file), { recursive: true, mode: 0o700 });
        progress(20, 'copying the private area (reflink)');
        const temp = `${intent.file}.tmp`;
        await withQuietImage(
          this.containers,
          record,
          () => this.pool(record).driver.copy(intent.image, temp, 'linked'),
          () => step('ct.snapshot.frozen', { frozen: true }),
        );
        await rename(temp, intent.file);
        await step('ct.snapshot.commit');
        const now = this.containers.resolve(record.id);
        const tree = treeOf(now);
        const node = {
          name: request.name,
          parent: tree.current,
          description: request.description ?? '',
          createdAt: new Date().toISOString(),
          withMemory: false,
        };
        await this.containers.saveRecord({
          ...now,
          snapshots: { snapshots: [...tree.snapshots, node], current: node.name },
        });
        return { ...node, sizeBytes: null };
      },
      intent,
    );
  }

  async revert(id: string, name: string, request: RevertSnapshotRequest): Promise<Operation> {
    const record = this.containers.resolve(id);
    this.assertSupported(record);
    this.find(record, name);
    this.containers.busy.assertIdle(record.id);
    const { state } = await this.containers.lxc.info(record.ctid);
    const wasRunning = state === 'running' || state === 'frozen';
    if (wasRunning && !request.stopRunning) {
      throw wrongState(
        `CT ${record.ctid} is ${state}: reverting stops it (send stopRunning: true to confirm)`,
      );
    }
    const intent = { ...this.intent(record, 'revert', name), wasRunning };
    return this.containers.busy.start(
      record.id,
      'instance.snapshot.revert',
      async (progress, step) => {
        if (wasRunning) {
          progress(10, 'stopping');
          await step('ct.snapshot.revert.stop');
          if (state === 'frozen') await this.containers.lxc.unfreeze(record.ctid);
          await this.containers.lxc.stop(record.ctid, 30);
          await waitDetached(intent.image);
        }
        await assertFreeSpace(this.pool(record).driver.root, REFLINK_BYTES, 'a revert');
        progress(40, `putting back ${name}`);
        await replaceFromSnapshot(intent.image, intent.file, this.pool(record).driver, () =>
          step('ct.snapshot.revert.swap', { swapping: true }),
        );
        const now = this.containers.resolve(record.id);
        const instance = await this.containers.saveRecord({
          ...now,
          snapshots: { ...treeOf(now), current: name },
        });
        if (!wasRunning) return instance;
        progress(80, 'starting');
        await this.containers.lxc.start(record.ctid);
        return this.containers.get(record.id);
      },
      intent,
    );
  }

  async remove(id: string, name: string): Promise<Operation> {
    const record = this.containers.resolve(id);
    this.find(record, name);
    const intent = this.intent(record, 'delete', name);
    return this.containers.busy.start(
      record.id,
      'instance.snapshot.delete',
      async () => {
        // The record first: a kill after it leaves a file that the replay removes.
        const now = this.containers.resolve(record.id);
        await this.containers.saveRecord({ ...now, snapshots: withoutSnapshot(treeOf(now), name) });
        await rm(intent.file, { force: true });
        await rmdir(path.dirname(intent.file)).catch(() => undefined);
        return { name };
      },
      intent,
    );
  }
}

/**
 * The live image becomes a reflink of the snapshot: written under a temporary name, then
 * renamed over it, so a kill leaves the old image or the new one. Idempotent (the replay
 * runs it again to finish a revert that reached its swap).
 */
export async function replaceFromSnapshot(
  image: string,
  snapshot: string,
  pool: Pick<PoolDriver, 'copy'>,
  beforeSwap?: () => Promise<void>,
): Promise<void> {
  const temp = revertTemp(image);
  await rm(temp, { force: true });
  await pool.copy(snapshot, temp, 'linked');
  await beforeSwap?.();
  await rename(temp, image);
}
