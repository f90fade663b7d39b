import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import {
  badRequest,
  DEFAULT_NETWORK,
  type Firewall,
  FirewallSettings,
  type FirewallSettingsInput,
} from '@berth/contracts';
import { macFor, vethFor } from '../../drivers/lxc/config.js';
import type { Containers } from '../../instances/containers.js';
import type { Vms } from '../../instances/vms.js';
import type { EventBus } from '../../events.js';
import { writeFileAtomic } from '../../journal/atomic-file.js';
import type { Log } from '../../log.js';
import { exec, run } from '../../run.js';
import type { Networks } from '../networks/networks.js';
import { firewallScript, type Port, ruleTag, tableName } from './script.js';

const DEFAULTS = FirewallSettings.parse({});

interface NftRule {
  rule?: { comment?: string; expr: { counter?: { packets: number; bytes: number } }[] };
}

/**
 * Instances' firewalls: settings kept in `firewall/<id>.json` (written whole, atomically), the
 * table made from them. The state file is the truth: each agent start re-makes every table from
 * it, so a table deleted by hand or an agent killed between the write and the load comes back
 * as saved. A container has one port, its veth; a VM one per adapter, its taps, whose names
 * nft matches whether or not QEMU runs, so a VM's table stands from its create on.
 */
export class Firewalls {
  private readonly dir: string;

  constructor(
    dataDir: string,
    private readonly containers: Containers,
    private readonly vms: Vms,
    private readonly networks: Networks,
    private readonly log: Log,
    /** `firewall.set`: the agent kills itself between saving the settings and loading them. */
    private readonly failpoint: string | null = null,
  ) {
    this.dir = path.join(dataDir, 'firewall');
  }

  /** Every instance's table made again from its saved settings; a deleted one's gone. */
  async init(events: EventBus): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    // A new instance gets its table (spoofing protection) when it first runs, and a moved one
    // (another network, a VM's static lease) its table afresh; there is a moment after the
    // start or the change before it is in.
    events.subscribe((e) => {
      if (e.type === 'instance.deleted') {
        this.remove(e.instanceId).catch((err: Error) =>
          this.log.error({ id: e.instanceId, err: err.message }, 'firewall table not removed'),
        );
      } else if (e.type === 'instance.state' && e.state === 'running') {
        this.reapply(e.instanceId);
      } else if (e.type === 'instance.updated') {
        this.reapply(e.instance.id);
      }
    });
    for (const id of [...(await this.containers.list()).map((c) => c.id), ...this.vms.ids()]) {
      await this.apply(id, await this.settings(id)).catch((err: Error) =>
        this.log.error({ id, err: err.message }, 'firewall not applied'),
      );
    }
    for (const file of await readdir(this.dir)) {
      const id = file.replace(/\.json$/, '');
      if (!this.isKnown(id)) await this.remove(id);
    }
  }

  private reapply(id: string): void {
    if (!this.isKnown(id)) return;
    this.settings(id)
      .then((settings) => this.apply(id, settings))
      .catch((err: Error) => this.log.error({ id, err: err.message }, 'firewall not applied'));
  }

  async show(idOrCtid: string): Promise<Firewall> {
    const { id, bridge } = this.portsOf(idOrCtid);
    const settings = await this.settings(id);
    const table = tableName(bridge, id);
    const counters = settings.rules.map(() => ({ packets: 0, bytes: 0 }));
    const listed = await exec('nft', ['-j', 'list', 'table', 'bridge', table]);
    if (listed.code === 0) {
      for (const item of (JSON.parse(listed.stdout) as { nftables: NftRule[] }).nftables) {
        const i = settings.rules.findIndex((_, n) => item.rule?.comment === ruleTag(n));
        const counter = item.rule?.expr.find((x) => x.counter)?.counter;
        if (i >= 0 && counter) counters[i] = { packets: counter.packets, bytes: counter.bytes };
      }
    }
    return { ...settings, counters, table };
  }

  /** Saves the settings, then loads them: a crash between the two is mended by the next start. */
  async set(idOrCtid: string, input: FirewallSettingsInput): Promise<Firewall> {
    const { id } = this.portsOf(idOrCtid);
    const settings = FirewallSettings.parse(input);
    const rejecting = settings.rules.findIndex((r) => r.action === 'reject');
    if (rejecting >= 0) {
      // The bridge family answers only from prerouting/input/forward and needs nft_reject_bridge,
      // which this kernel lacks; a reject that silently dropped would be a lie.
      throw badRequest(
        'reject is not available on this host (no nft_reject_bridge in the kernel); use drop',
        `rules.${rejecting}.action`,
      );
    }
    await writeFileAtomic(this.fileOf(id), JSON.stringify(settings, null, 2));
    if (this.failpoint === 'firewall.set') process.kill(process.pid, 'SIGKILL');
    await this.apply(id, settings);
    return this.show(id);
  }

  private async apply(id: string, settings: FirewallSettings): Promise<void> {
    const { bridge, ports } = this.portsOf(id);
    const table = tableName(bridge, id);
    // A table left under another bridge's name (the instance moved) goes in the same breath.
    for (const old of await this.tablesOf(id)) {
      if (old !== table) await exec('nft', ['delete', 'table', 'bridge', old]);
    }
    await run('nft', ['-f', '-'], { input: firewallScript(table, ports, settings) });
  }

  async remove(id: string): Promise<void> {
    for (const table of await this.tablesOf(id)) {
      await exec('nft', ['delete', 'table', 'bridge', table]);
    }
    await rm(this.fileOf(id), { force: true });
  }

  private async tablesOf(id: string): Promise<string[]> {
    const { stdout } = await exec('nft', ['list', 'tables', 'bridge']);
    const suffix = `_fw_${id.slice(0, 8)}`;
    return stdout
      .split('\n')
      .map((l) => l.trim().split(' ')[2] ?? '')
      .filter((t) => t.startsWith('berth_') && t.endsWith(suffix));
  }

  private async settings(id: string): Promise<FirewallSettings> {
    try {
      return FirewallSettings.parse(JSON.parse(await readFile(this.fileOf(id), 'utf8')));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return DEFAULTS;
      throw err;
    }
  }

  /** The instance's ports; the table is named after its (first) adapter's bridge. */
  private portsOf(idOrCtid: string): { id: string; bridge: string; ports: Port[] } {
    const vm = /^\d+$/.test(idOrCtid) ? undefined : this.vmOf(idOrCtid);
    if (vm) {
      return {
        id: vm.id,
        bridge: this.networks.bridgeFor(vm.nics[0]?.network ?? DEFAULT_NETWORK),
        ports: vm.nics.map((n) => ({
          ifname: n.tap,
          mac: n.mac,
          ipv4: n.ipv4?.split('/')[0] ?? null,
          dhcp: true,
        })),
      };
    }
    const record = this.containers.resolve(idOrCtid);
    return {
      id: record.id,
      bridge: this.networks.bridgeFor(record.network ?? DEFAULT_NETWORK),
      ports: [
        {
          ifname: vethFor(record.id),
          mac: macFor(record.id),
          ipv4: record.ipv4.split('/')[0]!,
          dhcp: false,
        },
      ],
    };
  }

  private vmOf(id: string) {
    try {
      return this.vms.resolve(id);
    } catch {
      return undefined;
    }
  }

  private isKnown(id: string): boolean {
    try {
      this.portsOf(id);
      return true;
    } catch {
      return false;
    }
  }

  private fileOf(id: string): string {
    return path.join(this.dir, `${id}.json`);
  }
}
