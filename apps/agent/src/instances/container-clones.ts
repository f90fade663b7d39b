import { randomUUID } from 'node:crypto';
import { rm, stat, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CloneRequest, Operation } from '@berth/contracts';
import { notFound, unsupported } from '@berth/contracts';
import { detachImage, MiB, withMountedImage } from '../storage/disk-image.js';
import { assertFreeSpace, explainNoSpace } from '../storage/free-space.js';
import { rebaseOwnership, shiftOwnership } from '../storage/id-shift.js';
import type { Pools } from '../storage/pools/pools.js';
import { snapshotDir, withQuietImage } from '../snapshots/containers.js';
import type { Containers } from './containers.js';
import { customizeRootfs } from './customize.js';
import type { ContainerRecord } from './record.js';

/** A reflink writes only metadata: this bounds it and the clone's record. */
const LINKED_BYTES = 8 * MiB;

/**
 * Clones of containers: a new container (CT ID, name, MAC, address, id range) whose private
 * area is a copy of another's, or of one of its snapshots. Linked clones are reflinks on a
 * copy-on-write pool and share every block until written; full clones are independent copies
 * on any pool. Journaled as a create: a kill before the record is saved removes the clone.
 */
export class ContainerClones {
  constructor(
    private readonly containers: Containers,
    private readonly pools: Pools,
  ) {}

  async clone(
    id: string,
    req: CloneRequest,
    nameTaken: (name: string) => boolean,
  ): Promise<Operation> {
    const source = this.containers.resolve(id);
    this.containers.busy.assertIdle(source.id);
    const sourcePool = this.containers.poolOf(source);
    const pool = req.pool ?? sourcePool;
    const target = await this.pools.writable(pool);
    if (req.mode === 'linked') {
      if (!target.capabilities.linkedClones) {
        throw unsupported(
          `storage pool ${pool} cannot share blocks; linked clones need a copy-on-write pool (btrfs)`,
        );
      }
      if (pool !== sourcePool) {
        throw unsupported(`a linked clone stays in its source's pool (${sourcePool})`);
      }
    }
    let from = this.containers.imageOf(source);
    if (req.snapshot) {
      if (!source.snapshots?.snapshots.some((s) => s.name === req.snapshot)) {
        throw notFound(`snapshot ${req.snapshot} of CT ${source.ctid}`);
      }
      from = path.join(
        snapshotDir(this.pools.driver(sourcePool).root, source.ctid),
        `${req.snapshot}.img`,
      );
    }
    const needed = req.mode === 'linked' ? LINKED_BYTES : (await stat(from)).blocks * 512;
    await assertFreeSpace(target.root, needed, `a ${req.mode} clone of CT ${source.ctid}`);
    const { ctid, ipv4, idmap } = this.containers.reserve(
      { name: req.name, privileged: source.idmap === undefined, network: source.network },
      nameTaken,
    );
    const record: ContainerRecord = {
      ...source,
      id: randomUUID(),
      ctid,
      name: req.name,
      hostname: req.name,
      ipv4,
      onboot: false,
      createdAt: new Date().toISOString(),
      pool,
      snapshots: undefined,
      // Its other adapters' addresses are the source's: the clone starts with eth0 alone.
      adapters: undefined,
      // A MAC set on the source is the source's: the clone's is derived from its own id.
      mac: undefined,
      // The source's IPv6 is the source's: the clone has IPv4 only.
      ipv6: undefined,
      gateway6: undefined,
      idmap,
    };
    const image = this.containers.imageOf(record);
    const lxcDir = path.join(this.containers.lxc.lxcpath, String(ctid));
    return this.containers.busy.start(
      record.id,
      'instance.clone',
      async (progress, step) => {
        try {
          progress(5, `copying the private area of CT ${source.ctid} (${req.mode})`);
          await step('ct.clone.copy');
          const copy = () =>
            target.copy(from, image, req.mode, (f) => progress(5 + f * 75, 'copying'));
          // A snapshot's image never changes; the live one is kept still for the copy's instant.
          if (req.snapshot) await copy();
          else await withQuietImage(this.containers, source, copy);
          progress(80, 'giving the clone its own identity');
          await withMountedImage(image, async (root) => {
            await step('ct.create.unpack', { mountDir: root });
            await customizeRootfs(root, record);
            // Empty: systemd makes a new one at first boot, so the clone is another machine.
            await truncate(path.join(root, 'etc', 'machine-id'), 0).catch(() =>
              writeFile(path.join(root, 'etc', 'machine-id'), ''),
            );
            if (source.idmap && idmap) await rebaseOwnership(root, source.idmap, idmap);
            else if (idmap) await shiftOwnership(root, idmap);
          });
          progress(95, 'writing the configuration');
          await step('ct.create.config');
          return await this.containers.commit(record);
        } catch (err) {
          await detachImage(image);
          await rm(image, { force: true });
          await rm(lxcDir, { recursive: true, force: true });
          throw await explainNoSpace(err, image);
        } finally {
          this.containers.release(record);
        }
      },
      { type: 'ct.create', ctid, image, lxcDir },
    );
  }
}
