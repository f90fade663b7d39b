import { writeFile } from 'node:fs/promises';
import type { Log } from '../log.js';
import { exec, run } from '../run.js';

/** Whose addresses a bridge answers neighbour discovery for: by bridge, the IPv6 addresses. */
export type ProxiedBy = Map<string, string[]>;

/**
 * A host-routed container's IPv6 address is in its network's /64, but the container is on no
 * bridge: a bridged neighbour that asks who has it (neighbour solicitation) would hear nothing.
 * IPv6 has no proxy ARP for every routed address, so the bridge gets a proxy NDP entry per
 * address: the host answers, then routes the packets down the container's /128 (LXC's router
 * mode made that route, and the answer to the container's own asking for its gateway).
 *
 * The entries follow the records, not the containers' states: a stopped container's address
 * stays answered for (it is still its own, and nothing else can take it). Synced from the records
 * at every agent start and after each change of them, so a crash between the two is mended.
 */
export class RoutedNdp {
  private running: Promise<void> | null = null;
  private again = false;

  constructor(
    private readonly wanted: () => ProxiedBy,
    private readonly bridges: () => string[],
    private readonly log: Log,
  ) {}

  /** Syncs in the background; asked again while it runs, it runs once more after. */
  sync(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.syncAll()
      .catch((err: Error) => this.log.warn({ err: err.message }, 'proxy NDP entries not synced'))
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.sync();
        }
      });
  }

  /** Every bridge's entries made the records' addresses exactly. Idempotent. */
  async syncAll(): Promise<void> {
    const wanted = this.wanted();
    for (const bridge of this.bridges()) {
      const addresses = wanted.get(bridge) ?? [];
      const listed = await exec('ip', ['-6', '-j', 'neigh', 'show', 'proxy', 'dev', bridge]);
      // A bridge that is not there (a network being made) has nothing to sync yet.
      if (listed.code !== 0) continue;
      const present = (JSON.parse(listed.stdout || '[]') as Array<{ dst: string }>).map(
        (e) => e.dst,
      );
      for (const dst of present.filter((d) => !addresses.includes(d))) {
        await run('ip', ['-6', 'neigh', 'del', 'proxy', dst, 'dev', bridge]);
      }
      if (addresses.length === 0) continue;
      await writeFile(`/proc/sys/net/ipv6/conf/${bridge}/proxy_ndp`, '1');
      for (const dst of addresses.filter((a) => !present.includes(a))) {
        await run('ip', ['-6', 'neigh', 'replace', 'proxy', dst, 'dev', bridge]);
      }
    }
  }
}
