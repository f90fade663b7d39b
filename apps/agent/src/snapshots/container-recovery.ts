import { readFile, rm } from 'node:fs/promises';
import type { Intent } from '../journal/intent.js';
import { writeFileAtomic } from '../journal/atomic-file.js';
import { exec } from '../run.js';
import { reflinkCopy } from '../storage/pools/copy.js';
import { replaceFromSnapshot, revertTemp } from './containers.js';
import type { SnapshotTree } from './tree.js';

type SnapshotIntent = Extract<Intent, { type: 'ct.snapshot' }>;

/**
 * Settles a container snapshot operation a killed agent left: the record is the commit point
 * of a take and a delete, the rename of a revert's new image is a revert's. Idempotent.
 */
export async function settleContainerSnapshot(intent: SnapshotIntent): Promise<string> {
  const record = JSON.parse(await readFile(intent.recordFile, 'utf8')) as {
    snapshots?: SnapshotTree;
  };
  const tree = record.snapshots ?? { snapshots: [], current: null };
  const has = tree.snapshots.some((s) => s.name === intent.snapshot);
  const ct = `CT ${intent.ctid}`;
  switch (intent.action) {
    case 'take': {
      if (intent.frozen) {
        await exec('lxc-unfreeze', ['-P', intent.lxcpath, '-n', String(intent.ctid)]);
      }
      await rm(`${intent.file}.tmp`, { force: true });
      if (has) return `the snapshot ${intent.snapshot} of ${ct} had been saved and is kept`;
      await rm(intent.file, { force: true });
      return `rolled back: ${ct} has no snapshot ${intent.snapshot}`;
    }
    case 'revert': {
      const stopped = intent.wasRunning
        ? `; ${ct} was running before: start it again if the revert had stopped it`
        : '';
      if (!intent.swapping) {
        await rm(revertTemp(intent.image), { force: true });
        return `nothing was changed: ${ct} keeps its files${stopped}`;
      }
      await replaceFromSnapshot(intent.image, intent.file, { copy: reflinkCopy });
      await writeFileAtomic(
        intent.recordFile,
        JSON.stringify({ ...record, snapshots: { ...tree, current: intent.snapshot } }, null, 2),
      );
      return `finished: ${ct} is back at snapshot ${intent.snapshot}${intent.wasRunning ? `; ${ct} was stopped for it: start it again` : ''}`;
    }
    case 'delete': {
      if (has) return `nothing was changed: ${ct} keeps snapshot ${intent.snapshot}`;
      await rm(intent.file, { force: true });
      return `finished: the snapshot ${intent.snapshot} of ${ct} was deleted`;
    }
  }
}
