'use client';
import type { Network } from '@berth/contracts';

/**
 * The options of a select that picks an instance's network, each with its subnet. Until the
 * list is in (or without host.view, which listing needs) the one option is the network it has.
 */
export function NetworkOptions({
  networks,
  current,
}: {
  networks: readonly Pick<Network, 'name' | 'ipv4'>[] | undefined;
  current: string;
}) {
  return (networks ?? [{ name: current, ipv4: '' }]).map((n) => (
    <option key={n.name} value={n.name}>
      {n.name}
      {n.ipv4 ? `: ${n.ipv4}` : ''}
    </option>
  ));
}
