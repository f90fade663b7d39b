import { mkdir, open, readFile, rm, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { exec, run } from '../../run.js';
import { fullCopy, reflinkCopy } from './copy.js';
import type { PoolDriver } from './driver.js';
import { filesystemUsage } from './usage.js';

/** Mount points in /proc/self/mountinfo are octal-escaped (a space is \040). */
async function isMountPoint(dir: string): Promise<boolean> {
  const text = await readFile('/proc/self/mountinfo', 'utf8');
  return text
    .split('\n')
    .some(
      (line) =>
        line
          .split(' ')[4]
          ?.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))) === dir,
    );
}

/**
 * A btrfs filesystem on a block device, or on a sparse image file (loop-mounted) for tests and
 * small hosts, mounted under the agent's data dir. Copies are reflinks: an image's snapshot or
 * linked clone shares its blocks until either side writes.
 */
export class BtrfsPool implements PoolDriver {
  readonly capabilities = { snapshots: true, linkedClones: true };

  /**
   * @param source a block device, or the image file to create (sizeBytes) and loop-mount
   * @param root the mount point
   */
  constructor(
    readonly source: string,
    readonly root: string,
    private readonly sizeBytes: number | null,
  ) {}

  private get isImage(): boolean {
    return this.sizeBytes !== null;
  }

  async create(): Promise<void> {
    if (this.isImage) {
      await mkdir(path.dirname(this.source), { recursive: true, mode: 0o700 });
      const handle = await open(this.source, 'wx', 0o600);
      try {
        await handle.truncate(this.sizeBytes as number);
      } finally {
        await handle.close();
      }
    }
    try {
      // -f: a device that held another filesystem is the operator's stated choice.
      await run('mkfs.btrfs', ['-q', '-f', '-L', 'berth-pool', '--', this.source], {
        timeoutMs: 300_000,
      });
      await this.mount();
    } catch (err) {
      if (this.isImage) await rm(this.source, { force: true });
      throw err;
    }
  }

  async mount(): Promise<void> {
    await mkdir(this.root, { recursive: true, mode: 0o700 });
    if (await isMountPoint(this.root)) return;
    const loop = this.isImage ? ['-o', 'loop'] : [];
    await run('mount', ['-t', 'btrfs', ...loop, '--', this.source, this.root]);
  }

  mounted(): Promise<boolean> {
    return isMountPoint(this.root);
  }

  usage() {
    return filesystemUsage(this.root);
  }

  async copy(from: string, to: string, mode: 'linked' | 'full', progress?: (f: number) => void) {
    if (mode === 'linked') await reflinkCopy(from, to);
    else await fullCopy(from, to, progress);
  }

  async exclusiveBytes(files: string[]): Promise<Array<number | null>> {
    if (files.length === 0) return [];
    const res = await exec('btrfs', ['filesystem', 'du', '--raw', '--', ...files]);
    const byFile = new Map<string, number>();
    // "  Total  Exclusive  Set shared  Filename": a file name may hold spaces, the numbers not.
    for (const line of res.stdout.split('\n')) {
      const m = /^\s*(\d+)\s+(\d+)\s+(\d+|-)\s+(.+)$/.exec(line);
      if (m) byFile.set(m[4]!, Number(m[2]));
    }
    return files.map((f) => byFile.get(f) ?? null);
  }

  async destroy(): Promise<void> {
    if (await isMountPoint(this.root)) {
      // A loop mount made with -o loop sets autoclear: the device goes with the unmount.
      await run('umount', [this.root], { timeoutMs: 120_000 });
    }
    await rmdir(this.root).catch(() => undefined);
    if (this.isImage) await rm(this.source, { force: true });
    else await exec('wipefs', ['-a', '--', this.source]);
  }
}
