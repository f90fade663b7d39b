import { readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Intent } from '../journal/intent.js';
import type { MoveRequest, Operation } from '@berth/contracts';
import { conflict, wrongState } from '@berth/contracts';
import { explainNoSpace, assertFreeSpace } from '../storage/free-space.js';
import { waitDetached } from '../storage/disk-image.js';
import type { Pools } from '../storage/pools/pools.js';
import type { Containers } from './containers.js';

type MoveIntent = Extract<Intent, { type: 'ct.move' }>;

/** The copy being written in the new pool, renamed to the image's name once whole. */
const moving = (image: string) => `${image}.moving`;

/**
 * Moves a stopped container's private area to another pool ("move private area"): a full copy
 * with progress, then the record names the new pool (the commit point; the LXC config follows
 * it, and is rewritten from the record at every start), then the old image goes.
 */
export class ContainerMoves {
  constructor(
    private readonly containers: Containers,
    private readonly pools: Pools,
  ) {}

  async move(id: string, req: MoveRequest): Promise<Operation> {
    const record = this.containers.resolve(id);
    this.containers.busy.assertIdle(record.id);
    const from = this.containers.poolOf(record);
    if (from === req.pool)
      throw conflict(`CT ${record.ctid} is in pool ${req.pool} already`, 'pool');
    const target = await this.pools.writable(req.pool);
    if (record.snapshots?.snapshots.length) {
      throw conflict(
        `CT ${record.ctid} has snapshots, which stay in their pool: delete them before a move`,
      );
    }
    const { state } = await this.containers.lxc.info(record.ctid);
    if (state !== 'stopped') throw wrongState(`CT ${record.ctid} is ${state}: stop it to move it`);
    const image = this.containers.imageOf(record);
    const to = this.containers.imageOf({ ...record, pool: req.pool });
    await assertFreeSpace(
      target.root,
      (await stat(image)).blocks * 512,
      `moving CT ${record.ctid}`,
    );
    const intent: MoveIntent = {
      type: 'ct.move',
      ctid: record.ctid,
      recordFile: path.join(this.containers.lxc.lxcpath, String(record.ctid), 'berth.json'),
      pool: req.pool,
      from: image,
      to,
    };
    return this.containers.busy.start(
      record.id,
      'instance.move',
      async (progress, step) => {
        await waitDetached(image);
        await step('ct.move.copy');
        try {
          await rm(moving(to), { force: true });
          await target.copy(image, moving(to), 'full', (f) =>
            progress(5 + f * 85, `copying to pool ${req.pool}`),
          );
          await rename(moving(to), to);
        } catch (err) {
          await rm(moving(to), { force: true });
          await rm(to, { force: true });
          throw await explainNoSpace(err, to);
        }
        await step('ct.move.commit');
        const instance = await this.containers.commit({
          ...this.containers.resolve(record.id),
          pool: req.pool,
        });
        progress(95, `removing the copy in pool ${from}`);
        await rm(image, { force: true });
        return instance;
      },
      intent,
    );
  }
}

/** A move a killed agent left: finished when the record names the new pool, else undone. */
export async function settleContainerMove(intent: MoveIntent): Promise<string> {
  const record = JSON.parse(await readFile(intent.recordFile, 'utf8')) as { pool?: string };
  await rm(moving(intent.to), { force: true });
  if (record.pool === intent.pool) {
    await rm(intent.from, { force: true });
    return `finished: CT ${intent.ctid} is in pool ${intent.pool}`;
  }
  await rm(intent.to, { force: true });
  return `rolled back: CT ${intent.ctid} stays where it was`;
}
