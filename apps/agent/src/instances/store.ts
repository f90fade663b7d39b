import { mkdir, readdir, readFile, rename, writeFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { ContainerRecord } from './record.js';

const RECORD = 'berth.json';

/** Container records on disk, one directory per CT ID, with an in-memory index. */
export class ContainerStore {
  private readonly byId = new Map<string, ContainerRecord>();

  constructor(private readonly root: string) {}

  dirOf(ctid: number): string {
    return path.join(this.root, String(ctid));
  }

  /** Rediscovers every container from disk (agent start). */
  async load(): Promise<ContainerRecord[]> {
    await mkdir(this.root, { recursive: true });
    this.byId.clear();
    for (const entry of await readdir(this.root)) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const record = JSON.parse(
          await readFile(path.join(this.root, entry, RECORD), 'utf8'),
        ) as ContainerRecord;
        this.byId.set(record.id, record);
      } catch {
        // A directory without a record is not ours (or a create that was rolled back mid-way).
      }
    }
    return this.all();
  }

  all(): ContainerRecord[] {
    return [...this.byId.values()].sort((a, b) => a.ctid - b.ctid);
  }

  get(id: string): ContainerRecord | undefined {
    return this.byId.get(id);
  }

  async save(record: ContainerRecord): Promise<void> {
    const dir = this.dirOf(record.ctid);
    await mkdir(dir, { recursive: true });
    const tmp = path.join(dir, `.${RECORD}.tmp`);
    await writeFile(tmp, JSON.stringify(record, null, 2));
    await rename(tmp, path.join(dir, RECORD));
    this.byId.set(record.id, record);
  }

  async remove(record: ContainerRecord): Promise<void> {
    this.byId.delete(record.id);
    await rm(this.dirOf(record.ctid), { recursive: true, force: true });
  }
}
