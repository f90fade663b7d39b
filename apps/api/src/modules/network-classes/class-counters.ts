import type { InstanceClassCounters } from '@berth/contracts';
import type { Hosts } from '../hosts/hosts.service.js';

/** How long a read of every agent's class counters serves /metrics scrapes. */
const CACHE_MS = 30_000;

/**
 * Every host's instance class counters for /metrics, read at most once per 30 s whatever the
 * scrape rate (each read is one nft call per host); a host that does not answer is left out.
 */
export function cachedClassCounters(hosts: Hosts): () => Promise<InstanceClassCounters[]> {
  let cached: { at: number; items: Promise<InstanceClassCounters[]> } | null = null;
  return () => {
    if (!cached || Date.now() - cached.at > CACHE_MS) {
      const items = Promise.all(
        hosts.clients().map((c) =>
          c.classCounters().then(
            (r) => r.items,
            () => [],
          ),
        ),
      ).then((all) => all.flat());
      cached = { at: Date.now(), items };
    }
    return cached.items;
  };
}
