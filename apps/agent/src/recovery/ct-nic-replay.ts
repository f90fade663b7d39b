import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Intent } from '../journal/intent.js';
import type { ContainerRecord } from '../instances/record.js';
import { unplugContainerVeth } from '../net/ct-veth.js';
import { dropIfb } from '../net/shaping.js';

/**
 * The record is the commit point of both: an adapter it has is kept; one it lacks loses its veth
 * pair (the container's end with it), rolling an add back or finishing a removal. Idempotent.
 */
export async function settleCtNic(intent: Extract<Intent, { type: 'ct.nic' }>): Promise<string> {
  const record = JSON.parse(
    await readFile(path.join(intent.lxcDir, 'berth.json'), 'utf8'),
  ) as ContainerRecord;
  const listed = record.adapters?.some((a) => a.index === intent.index) ?? false;
  const name = `eth${intent.index}`;
  if (listed) return `${name} is kept, as the record has it`;
  await unplugContainerVeth(intent.veth);
  await dropIfb(intent.veth);
  return intent.action === 'add'
    ? `rolled back: ${name} was not added and its veth ${intent.veth} is removed`
    : `finished: ${name} is removed, its veth ${intent.veth} too`;
}
