import { existsSync } from 'node:fs';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { CreatePool, Pool, PoolDriverName } from '@berth/contracts';
import { badRequest, conflict, notFound, wrongState } from '@berth/contracts';
import { writeFileAtomic } from '../../journal/atomic-file.js';
import { KeyedLock } from '../../locks.js';
import type { Log } from '../../log.js';
import { exec } from '../../run.js';
import { MiB } from '../disk-image.js';
import { assertFreeSpace } from '../free-space.js';
import { BtrfsPool } from './btrfs.js';
import { DirPool } from './dir.js';
import type { PoolDriver } from './driver.js';

/** The pool the agent's images always lived in: a `dir` pool over the old images folder. */
export const DEFAULT_POOL = 'default';

export interface PoolMember {
  id: string;
  name: string;
}

interface PoolEntry {
  name: string;
  driver: PoolDriverName;
  /** The folder (dir), or the block device or image file (btrfs). */
  source: string;
  /** A btrfs pool on an image file: the image's size; null on a device. */
  imageBytes: number | null;
  createdAt: string;
}

interface PoolState {
  default: string;
  pools: PoolEntry[];
}

/** mkfs.btrfs and the first metadata: what making a pool writes besides a sparse file. */
const POOL_METADATA_BYTES = 16 * MiB;

/**
 * The agent's storage pools, kept in `pools.json` in its data dir (written whole, atomically)
 * and mounted again at every start. Which instances live in a pool is theirs to say (a
 * container's record names its pool); the registry asks through `members`.
 */
export class Pools {
  private state: PoolState = { default: DEFAULT_POOL, pools: [] };
  private readonly drivers = new Map<string, PoolDriver>();
  private readonly lock = new KeyedLock();
  private members: (pool: string) => PoolMember[] = () => [];

  constructor(
    private readonly dataDir: string,
    private readonly defaultRoot: string,
    private readonly log: Log,
  ) {}

  private get file() {
    return path.join(this.dataDir, 'pools.json');
  }

  /** Where btrfs pools on image files keep their image and mount point. */
  private get poolsDir() {
    return path.join(this.dataDir, 'pools');
  }

  /** Tells the registry which instances live in a pool (containers' records say). */
  countMembersWith(members: (pool: string) => PoolMember[]): void {
    this.members = members;
  }

  /**
   * Loads the pools and mounts them. The first start after pools came makes `default` from the
   * images folder in place. A pool whose device is gone stays listed as unavailable; image
   * files of a create that never reached pools.json are removed.
   */
  async init(): Promise<void> {
    const saved = await readFile(this.file, 'utf8')
      .then((t) => JSON.parse(t) as PoolState)
      .catch(() => null);
    if (saved) this.state = saved;
    if (!this.state.pools.some((p) => p.name === DEFAULT_POOL)) {
      this.state.pools.unshift({
        name: DEFAULT_POOL,
        driver: 'dir',
        source: this.defaultRoot,
        imageBytes: null,
        createdAt: new Date().toISOString(),
      });
      await this.save();
    }
    for (const entry of this.state.pools) {
      const driver = this.driverFor(entry);
      this.drivers.set(entry.name, driver);
      await driver
        .mount()
        .catch((err: Error) =>
          this.log.warn({ pool: entry.name, err: err.message }, 'pool not mounted'),
        );
    }
    await this.removeHalfMade();
  }

  private async removeHalfMade(): Promise<void> {
    const known = new Set(this.state.pools.map((p) => p.name));
    for (const entry of await readdir(this.poolsDir).catch(() => [] as string[])) {
      const name = /^(.+)\.btrfs$/.exec(entry)?.[1];
      if (!name || known.has(name)) continue;
      // Any size marks it image-backed, so destroy removes the file too.
      const image = path.join(this.poolsDir, entry);
      await new BtrfsPool(image, path.join(this.poolsDir, name), 1)
        .destroy()
        .catch(() => undefined);
      this.log.warn(
        { pool: name },
        'removed a pool image no pool owns (a create or delete cut short)',
      );
    }
  }

  private driverFor(entry: PoolEntry): PoolDriver {
    if (entry.driver === 'dir') return new DirPool(entry.source);
    return new BtrfsPool(entry.source, path.join(this.poolsDir, entry.name), entry.imageBytes);
  }

  private save(): Promise<void> {
    return writeFileAtomic(this.file, JSON.stringify(this.state, null, 2));
  }

  get defaultName(): string {
    return this.state.default;
  }

  driver(name: string): PoolDriver {
    const driver = this.drivers.get(name);
    if (!driver) throw notFound(`storage pool ${name}`);
    return driver;
  }

  /** A pool to write into: it must exist and be mounted. */
  async writable(name: string, field = 'pool'): Promise<PoolDriver> {
    const driver = this.drivers.get(name);
    if (!driver) throw badRequest(`there is no storage pool named ${name}`, field);
    if (!(await driver.mounted())) {
      throw wrongState(`storage pool ${name} is not mounted (its device is missing?)`);
    }
    return driver;
  }

  /** Whether any pool holds a file of this name in its images folder (synchronous: see Containers.create). */
  anyHas(file: string): boolean {
    return [...this.drivers.values()].some((d) => existsSync(path.join(d.root, file)));
  }

  async list(): Promise<Pool[]> {
    return Promise.all(this.state.pools.map((entry) => this.describe(entry)));
  }

  private async describe(entry: PoolEntry): Promise<Pool> {
    const driver = this.driver(entry.name);
    const available = await driver.mounted();
    const usage = available ? await driver.usage().catch(() => null) : null;
    return {
      name: entry.name,
      driver: entry.driver,
      source: entry.source,
      default: entry.name === this.state.default,
      capabilities: driver.capabilities,
      usedBytes: usage?.usedBytes ?? 0,
      freeBytes: usage?.freeBytes ?? 0,
      totalBytes: usage?.totalBytes ?? 0,
      available: available && usage !== null,
      instances: this.members(entry.name),
      createdAt: entry.createdAt,
    };
  }

  async create(req: CreatePool): Promise<Pool> {
    return this.lock.with('pools', async () => {
      if (this.state.pools.some((p) => p.name.toLowerCase() === req.name.toLowerCase())) {
        throw conflict(`a storage pool named ${req.name} exists already`, 'name');
      }
      let source: string;
      if (req.device) {
        source = req.device;
        const st = await stat(source).catch(() => null);
        if (!st?.isBlockDevice()) throw badRequest(`${source} is not a block device`, 'device');
        if (this.state.pools.some((p) => p.source === source)) {
          throw conflict(`${source} is a storage pool already`, 'device');
        }
        // findmnt answers 0 when the device is mounted anywhere: formatting it would destroy that.
        if ((await exec('findmnt', ['--source', source])).code === 0) {
          throw conflict(`${source} is mounted; unmount it first`, 'device');
        }
      } else {
        source = path.join(this.poolsDir, `${req.name}.btrfs`);
        if (existsSync(source)) throw conflict(`${source} exists already`, 'name');
      }
      await assertFreeSpace(this.dataDir, POOL_METADATA_BYTES, `storage pool ${req.name}`);
      const entry: PoolEntry = {
        name: req.name,
        driver: 'btrfs',
        source,
        imageBytes: req.sizeMiB !== undefined ? req.sizeMiB * MiB : null,
        createdAt: new Date().toISOString(),
      };
      const driver = this.driverFor(entry);
      await driver.create();
      // pools.json is the commit point: a kill before it leaves an image that init removes.
      this.state = {
        default: req.default ? entry.name : this.state.default,
        pools: [...this.state.pools, entry],
      };
      try {
        await this.save();
      } catch (err) {
        this.state.pools = this.state.pools.filter((p) => p !== entry);
        await driver.destroy().catch(() => undefined);
        throw err;
      }
      this.drivers.set(entry.name, driver);
      return this.describe(entry);
    });
  }

  async setDefault(name: string): Promise<Pool> {
    return this.lock.with('pools', async () => {
      const entry = this.state.pools.find((p) => p.name === name);
      if (!entry) throw notFound(`storage pool ${name}`);
      this.state = { ...this.state, default: name };
      await this.save();
      return this.describe(entry);
    });
  }

  async remove(name: string): Promise<void> {
    return this.lock.with('pools', async () => {
      const entry = this.state.pools.find((p) => p.name === name);
      if (!entry) throw notFound(`storage pool ${name}`);
      if (entry.driver === 'dir') {
        throw conflict(`${name} is the agent's own images folder and stays`);
      }
      if (this.state.default === name) {
        throw conflict(`${name} is the default pool; make another pool the default first`);
      }
      const members = this.members(name);
      if (members.length > 0) {
        throw conflict(
          `storage pool ${name} still holds ${members.length} instance(s): ${members.map((m) => m.name).join(', ')}`,
        );
      }
      const driver = this.driver(name);
      // Forgotten first: a kill after this leaves an image that the next start removes.
      this.state = { ...this.state, pools: this.state.pools.filter((p) => p !== entry) };
      await this.save();
      this.drivers.delete(name);
      await driver.destroy();
      if (entry.imageBytes === null) return;
      await rm(entry.source, { force: true });
    });
  }
}
