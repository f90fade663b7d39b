import { DEFAULT_NETWORK } from '@berth/contracts';
import { macFor, vethFor } from '../drivers/lxc/config.js';
import type { ContainerRecord } from './record.js';

/** One of a container's adapters, eth0 included, as the host sees it. */
export interface CtAdapterView {
  index: number;
  network: string;
  ipv4: string;
  mode?: 'routed';
  link?: 'down';
  /** The host end of its veth. */
  veth: string;
  mac: string;
}

/** A container's adapters, eth0 first (kept in the record's old fields), then eth1-eth3. */
export function adaptersOf(record: ContainerRecord): CtAdapterView[] {
  return [
    {
      index: 0,
      network: record.network ?? DEFAULT_NETWORK,
      ipv4: record.ipv4,
      ...(record.networkMode && { mode: record.networkMode }),
      ...(record.link && { link: record.link }),
      veth: vethFor(record.id),
      mac: record.mac ?? macFor(record.id),
    },
    ...(record.adapters ?? []).map((a) => ({
      ...a,
      veth: vethFor(record.id, a.index),
      mac: a.mac ?? macFor(record.id, a.index),
    })),
  ];
}
