import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface RecordLayout<R> {
  /** The folder holding one directory per instance. */
  root: string;
  /** The record's file name inside its directory (berth.json, vm.json). */
  file: string;
  /** The directory name a record lives under; it must never change over a record's life. */
  dirName: (record: R) => string;
  /** Directory names that can hold a record; others are skipped without reading. */
  isRecordDir?: (entry: string) => boolean;
  /** The order all() lists records in; the order found on disk when absent. */
  order?: (a: R, b: R) => number;
}

/**
 * Instance records on disk, one directory each, with an in-memory index. A save is atomic
 * (write a temporary file, then rename), so a crash leaves the old record or the new one.
 */
export class RecordStore<R extends { id: string }> {
  private readonly byId = new Map<string, R>();

  constructor(private readonly layout: RecordLayout<R>) {}

  dirOf(record: R): string {
    return path.join(this.layout.root, this.layout.dirName(record));
  }

  /** Rediscovers every record from disk (agent start). */
  async load(): Promise<R[]> {
    const { root, file, isRecordDir = () => true } = this.layout;
    await mkdir(root, { recursive: true });
    this.byId.clear();
    for (const entry of await readdir(root)) {
      if (!isRecordDir(entry)) continue;
      try {
        const record = JSON.parse(await readFile(path.join(root, entry, file), 'utf8')) as R;
        this.byId.set(record.id, record);
      } catch {
        // A directory without a record is not ours (or a create that was rolled back mid-way).
      }
    }
    return this.all();
  }

  all(): R[] {
    const records = [...this.byId.values()];
    return this.layout.order ? records.sort(this.layout.order) : records;
  }

  get(id: string): R | undefined {
    return this.byId.get(id);
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  async save(record: R): Promise<void> {
    const dir = this.dirOf(record);
    await mkdir(dir, { recursive: true });
    const tmp = path.join(dir, `.${this.layout.file}.tmp`);
    await writeFile(tmp, JSON.stringify(record, null, 2));
    await rename(tmp, path.join(dir, this.layout.file));
    this.byId.set(record.id, record);
  }

  /** Forgets the record and removes its whole directory. */
  async remove(record: R): Promise<void> {
    this.byId.delete(record.id);
    await rm(this.dirOf(record), { recursive: true, force: true });
  }
}
