import type { Log } from '../log.js';
import { nft, nftLoad } from './nft.js';

/** The table that guards the host from one bridge's instances (inet: IPv4 and IPv6 alike). */
export const guardTable = (bridge: string): string => `berth_${bridge.replace(/-/g, '_')}_guard`;

/**
 * The whole table as one nft script. Loaded as one transaction, it replaces the old table
 * atomically: the first line makes sure there is one to delete, so the host is never unguarded
 * between the old rules and the new. Anything arriving from the bridge for these TCP ports on any
 * of the host's addresses is refused (a reset, so a client there fails at once instead of
 * hanging); everything else from the bridge, DHCP and DNS to dnsmasq included, is untouched.
 */
export function guardScript(bridge: string, ports: readonly number[]): string {
  const table = guardTable(bridge);
  return [
    `table inet ${table}`,
    `delete table inet ${table}`,
    `table inet ${table} {`,
    '  chain input {',
    '    type filter hook input priority filter; policy accept;',
    `    iifname "${bridge}" tcp dport { ${[...new Set(ports)].join(', ')} } reject with tcp reset`,
    '  }',
    '}',
    '',
  ].join('\n');
}

/**
 * Keeps instances on the bridge off the host's own services (the API and this agent; issue 11,
 * finding 2): by default a container or VM cannot even try a password on them. Reconciled at
 * every agent start like the bridge's NAT table, and like it left in place when the agent stops
 * (the instances it guards against keep running). No ports: the operator allowed instances in,
 * and a table left from before goes.
 */
export async function ensureGuard(
  bridge: string,
  ports: readonly number[],
  log: Log,
): Promise<void> {
  if (ports.length === 0) {
    await nft(['delete', 'table', 'inet', guardTable(bridge)]);
    log.warn(
      { bridge },
      'instances may reach the API and the agent (BERTH_AGENT_ALLOW_INSTANCES_TO_API=1)',
    );
    return;
  }
  try {
    await nftLoad(guardScript(bridge, ports));
  } catch (err) {
    log.error(
      { bridge, ports, err: (err as Error).message },
      'the firewall that keeps instances off the API and the agent is not set up',
    );
  }
}
