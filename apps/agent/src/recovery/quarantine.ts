import { lstat, mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Leftover } from '@berth/contracts';
import { notFound } from '@berth/contracts';
import { writeFileAtomic } from '../journal/atomic-file.js';

const META = 'leftover.json';

/** Bytes a file or folder takes on disk (images are sparse: their length says little). */
async function diskUsage(p: string): Promise<number> {
  const s = await lstat(p).catch(() => null);
  if (!s) return 0;
  if (!s.isDirectory()) return s.blocks * 512;
  const entries = await readdir(p).catch(() => [] as string[]);
  const sizes = await Promise.all(entries.map((e) => diskUsage(path.join(p, e))));
  return sizes.reduce((sum, n) => sum + n, s.blocks * 512);
}

/**
 * Remains of interrupted work that belong to nothing the agent knows: moved aside (a rename
 * on the same disk), never reused, listed for an operator to look at and delete.
 */
export class Quarantine {
  constructor(readonly dir: string) {}

  async add(kind: Leftover['kind'], description: string, source: string): Promise<Leftover> {
    const foundAt = new Date().toISOString();
    const id = `${kind}-${path.basename(source)}-${foundAt.replace(/[^0-9]/g, '')}`;
    const folder = path.join(this.dir, id);
    await mkdir(folder, { recursive: true, mode: 0o700 });
    const moved = path.join(folder, path.basename(source));
    await rename(source, moved);
    const leftover: Leftover = {
      id,
      kind,
      description,
      path: moved,
      sizeBytes: await diskUsage(moved),
      foundAt,
    };
    await writeFileAtomic(path.join(folder, META), JSON.stringify(leftover));
    return leftover;
  }

  async list(): Promise<Leftover[]> {
    const entries = await readdir(this.dir).catch(() => [] as string[]);
    const found = await Promise.all(
      entries.map((id) =>
        readFile(path.join(this.dir, id, META), 'utf8')
          .then((t) => JSON.parse(t) as Leftover)
          .catch(() => null),
      ),
    );
    return found.filter((l): l is Leftover => l !== null).sort((a, b) => a.id.localeCompare(b.id));
  }

  async remove(id: string): Promise<void> {
    const folder = path.join(this.dir, id);
    if (path.dirname(folder) !== this.dir || !(await lstat(folder).catch(() => null))) {
      throw notFound(`leftover ${id}`);
    }
    await rm(folder, { recursive: true, force: true });
  }
}
