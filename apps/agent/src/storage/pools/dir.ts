import { mkdir } from 'node:fs/promises';
import { unsupported } from '@berth/contracts';
import type { PoolDriver } from './driver.js';
import { fullCopy } from './copy.js';
import { filesystemUsage } from './usage.js';

/**
 * Plain files in a folder of the host's filesystem: the layout the agent always had, so the
 * pool `default` is this driver over the old images folder and nothing moved.
 */
export class DirPool implements PoolDriver {
  readonly capabilities = { snapshots: false, linkedClones: false };

  constructor(readonly root: string) {}

  async create(): Promise<void> {
    await this.mount();
  }

  async mount(): Promise<void> {
    // Owner-only: the images hold containers' files with their host ids.
    await mkdir(this.root, { recursive: true, mode: 0o700 });
  }

  async mounted(): Promise<boolean> {
    return true;
  }

  usage() {
    return filesystemUsage(this.root);
  }

  async copy(from: string, to: string, mode: 'linked' | 'full', progress?: (f: number) => void) {
    if (mode === 'linked') throw unsupported('a dir pool cannot share blocks; use btrfs');
    await fullCopy(from, to, progress);
  }

  /** Nothing here shares blocks, and nothing here has snapshots to ask about. */
  async exclusiveBytes(files: string[]): Promise<Array<number | null>> {
    return files.map(() => null);
  }

  async destroy(): Promise<void> {
    throw unsupported('the dir pool stays: it is where the agent keeps its images');
  }
}
