import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

/** dnsmasq's lease file in a network's state folder (its `--dhcp-leasefile`). */
export const LEASE_FILE = 'dnsmasq.leases';

/** A burst of writes (dnsmasq truncates, then writes each line) is read once. */
const SETTLE_MS = 30;

/**
 * The address each MAC holds, from dnsmasq's lease file (`<expiry> <mac> <ip> <name> <client-id>`
 * per line, expiry 0 for never). A lease past its expiry is not counted: dnsmasq drops it at its
 * next write. Were a MAC to hold two, the one that lasts longest counts.
 */
export function parseLeases(text: string, nowSeconds: number): Map<string, string> {
  const found = new Map<string, { ip: string; expiry: number }>();
  for (const line of text.split('\n')) {
    const [expiryText, mac, ip] = line.trim().split(/\s+/);
    const expiry = Number(expiryText);
    if (!mac || !ip || !/^[0-9a-f:]{17}$/.test(mac) || !/^\d+(\.\d+){3}$/.test(ip)) continue;
    if (!Number.isInteger(expiry)) continue;
    const until = expiry === 0 ? Infinity : expiry;
    if (until <= nowSeconds) continue;
    if ((found.get(mac)?.expiry ?? -1) < until) found.set(mac, { ip, expiry: until });
  }
  return new Map([...found].map(([mac, { ip }]) => [mac, ip]));
}

/**
 * A network's DHCP leases as dnsmasq writes them, read again whenever its lease file changes:
 * the firewall learns from them which address a VM on DHCP was given. The folder is watched, not
 * the file, since dnsmasq makes the file only at its first lease.
 */
export class LeaseWatch {
  private leases = new Map<string, string>();
  private watcher: FSWatcher | null = null;
  private timer: NodeJS.Timeout | null = null;

  private constructor(
    private readonly dir: string,
    private readonly changed: () => void,
  ) {}

  static async start(dir: string, changed: () => void): Promise<LeaseWatch> {
    const lw = new LeaseWatch(dir, changed);
    lw.watcher = watch(dir, (_, file) => {
      if (file !== null && file !== LEASE_FILE) return;
      if (lw.timer) clearTimeout(lw.timer);
      lw.timer = setTimeout(() => void lw.reload(), SETTLE_MS);
    });
    // Its errors (the folder removed with its network) end nothing: close() follows. Nor does
    // it keep the agent's process alive on its own.
    lw.watcher.on('error', () => undefined).unref();
    await lw.reload();
    return lw;
  }

  /** The address the MAC holds, or null for none. */
  of(mac: string): string | null {
    return this.leases.get(mac) ?? null;
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.watcher?.close();
    this.watcher = null;
  }

  private async reload(): Promise<void> {
    const text = await readFile(path.join(this.dir, LEASE_FILE), 'utf8').catch(() => '');
    const next = parseLeases(text, Date.now() / 1000);
    const same =
      next.size === this.leases.size && [...next].every(([mac, ip]) => this.leases.get(mac) === ip);
    this.leases = next;
    if (!same && this.watcher) this.changed();
  }
}
