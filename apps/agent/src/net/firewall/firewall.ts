import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import {
  badRequest,
  conflict,
  type CreateFirewallSetInput,
  CreateFirewallSet,
  DEFAULT_NETWORK,
  type Firewall,
  type FirewallRule,
  type FirewallSet,
  FirewallSetBody,
  type FirewallSetBodyInput,
  FirewallSettings,
  type FirewallSettingsInput,
  type NetworkFirewall,
  NetworkFirewallSettings,
  type NetworkFirewallSettingsInput,
  type ClassCounterList,
  NetworkClasses,
  type NetworkClassesInput,
  notFound,
  setNamed,
} from '@berth/contracts';
import { vethFor } from '../../drivers/lxc/config.js';
import { adaptersOf } from '../../instances/ct-adapters.js';
import type { Containers } from '../../instances/containers.js';
import type { Vms } from '../../instances/vms.js';
import type { EventBus } from '../../events.js';
import { writeFileAtomic } from '../../journal/atomic-file.js';
import { KeyedLock } from '../../locks.js';
import type { Log } from '../../log.js';
import { assertFreeSpace } from '../../storage/free-space.js';
import { slaacSources } from '../ipv6.js';
import type { Networks } from '../networks/networks.js';
import { classCountingScript, readClassCounters } from './classes.js';
import {
  firewallScript,
  networkRuleTag,
  type Port,
  routedScript,
  type RoutedPort,
  ruleTag,
  setsNamedBy,
  tableName,
} from './script.js';
import { nft, nftListTables, nftLoad, nftTableNames } from '../nft.js';

const DEFAULTS = FirewallSettings.parse({});

interface SetUsers {
  instances: { id: string; name: string }[];
  networks: string[];
  /** Ids of the instances whose tables hold the set. */
  tables: string[];
}
const NO_NETWORK_RULES = NetworkFirewallSettings.parse({});
const portsKey = (p: { bridge: string; ports: Port[]; routed?: unknown }) =>
  JSON.stringify([p.bridge, p.ports, p.routed]);
/**
 * A bridged instance's rules are in a bridge table (and, when they reject, their answers in an
 * inet one: see REJECT_MARK), a routed container's guard in an inet one.
 */
const TABLE_FAMILIES = ['bridge', 'inet'] as const;
const INSTANCE_FILE = /^([0-9a-f]{8}-[0-9a-f-]{27})\.json$/;
const NETWORK_FILE = /^network-(.+)\.json$/;

/**
 * A network's rules on disk, stamped with the network's creation time: a network deleted and
 * made again under its name starts without the old one's rules.
 */
interface NetworkFile {
  createdAt: string;
  settings: NetworkFirewallSettings;
}

interface NftRule {
  rule?: { comment?: string; expr: { counter?: { packets: number; bytes: number } }[] };
}

type RuleCounters = Map<string, { packets: number; bytes: number }>;

/**
 * The rule counters of each table named, by comment, summed over the lines that share one (a
 * rule's IPv4 and IPv6 matches, and a rejecting rule's lines in the inet table of the same
 * name); a table that is not there has none.
 */
async function countersOf(tables: readonly string[]): Promise<Map<string, RuleCounters>> {
  const byTable = new Map<string, RuleCounters>();
  const listed = [
    ...(await nftListTables('bridge', tables)),
    ...(await nftListTables('inet', tables)),
  ];
  for (const [table, objects] of listed) {
    const found: RuleCounters = byTable.get(table) ?? new Map();
    byTable.set(table, found);
    for (const { rule } of objects as NftRule[]) {
      const counter = rule?.expr.find((x) => x.counter)?.counter;
      if (!rule?.comment || !counter) continue;
      const sum = found.get(rule.comment) ?? { packets: 0, bytes: 0 };
      found.set(rule.comment, {
        packets: sum.packets + counter.packets,
        bytes: sum.bytes + counter.bytes,
      });
    }
  }
  return byTable;
}

/**
 * Instances' firewalls: settings kept in `firewall/<id>.json` (written whole, atomically), the
 * table made from them. The state file is the truth: each agent start re-makes every table from
 * it, so a table deleted by hand or an agent killed between the write and the load comes back
 * as saved. A container has one port, its veth; a VM one per adapter, its taps, whose names
 * nft matches whether or not QEMU runs, so a VM's table stands from its create on.
 *
 * Networks' rules (`firewall/network-<name>.json`) and named address sets (`firewall/sets.json`)
 * go into the table of each instance they concern; a change to either re-makes those tables
 * (loaded together by the nft queue, each whole or not at all). Changes are made one at a time
 * (one lock), so a set cannot go while a rule naming it is saved.
 */
export class Firewalls {
  private readonly dir: string;
  private readonly lock = new KeyedLock();
  /** Instances whose tables wait to be made again (see reapply). */
  private readonly stale = new Set<string>();
  private sets = new Map<string, FirewallSetBody>();
  private classes: NetworkClasses = { classes: [] };
  /** When each bridged table was last made: its class counters count from then. */
  private readonly madeAt = new Map<string, string>();
  /** The bridge and ports each instance's table was last made for. */
  private readonly applied = new Map<string, string>();

  constructor(
    dataDir: string,
    private readonly containers: Containers,
    private readonly vms: Vms,
    private readonly networks: Networks,
    private readonly log: Log,
    /**
     * `firewall.set`, `firewall.network`, `firewall.sets`: the agent kills itself between saving
     * an instance's settings, a network's rules or a set and loading the tables.
     */
    private readonly failpoint: string | null = null,
  ) {
    this.dir = path.join(dataDir, 'firewall');
  }

  /** Every instance's table made again from its saved settings; a deleted one's gone. */
  async init(events: EventBus): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const saved = await readFile(this.setsFile, 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return '[]';
      throw err;
    });
    this.sets = new Map(
      (JSON.parse(saved) as unknown[]).map((s) => {
        const { name, ...body } = CreateFirewallSet.parse(s);
        return [name, body];
      }),
    );
    this.classes = await readFile(this.classesFile, 'utf8').then(
      (saved) => NetworkClasses.parse(JSON.parse(saved)),
      (err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return { classes: [] };
        throw err;
      },
    );
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
      } else if (e.type === 'instance.updated' && this.portsChanged(e.instance.id)) {
        // Most edits (a description, a tag, a limit) leave the ports as they were: no new table.
        this.reapply(e.instance.id);
      }
    });
    // A VM's lease given, renewed elsewhere or gone: its table allows what it holds now.
    this.networks.onLeasesChangeDo((network) => {
      for (const { id } of this.vms.onNetwork(network)) {
        if (this.portsChanged(id)) this.reapply(id);
      }
    });
    const known = [...(await this.containers.list()).map((c) => c.id), ...this.vms.ids()];
    // All at once: the nft queue loads the tables together, one ruleset read for hundreds.
    await Promise.all(
      known.map((id) =>
        this.apply(id).catch((err: Error) =>
          this.log.error({ id, err: err.message }, 'firewall not applied'),
        ),
      ),
    );
    // Tables of instances deleted while no agent ran (with default settings they have no file):
    // one listing here, the only one: one per instance kept an agent with 200 containers down for
    // 10 min.
    const ours = this.networks.bridges().map((b) => tableName(b, ''));
    const live = new Set(known.map((id) => id.slice(0, 8)));
    for (const { family, name } of await this.instanceTables()) {
      const prefix = ours.find((p) => name.startsWith(p));
      if (prefix && !live.has(name.slice(prefix.length))) {
        await nft(['delete', 'table', family, name]);
      }
    }
    for (const file of await readdir(this.dir)) {
      const id = INSTANCE_FILE.exec(file)?.[1];
      if (id && !this.isKnown(id)) await this.remove(id);
      const network = NETWORK_FILE.exec(file)?.[1];
      if (network && !this.networkCreated(network)) {
        await rm(path.join(this.dir, file), { force: true });
      }
    }
  }

  private portsChanged(id: string): boolean {
    return this.isKnown(id) && this.applied.get(id) !== portsKey(this.portsOf(id));
  }

  /**
   * Marks an instance's table to be made again. The tables marked while the lock is held are
   * made together when it is free (a burst of creates, a lease file rewritten for many VMs),
   * so the nft queue loads them as one.
   */
  private reapply(id: string): void {
    if (!this.isKnown(id)) return;
    this.stale.add(id);
    void this.lock.with('firewall', async () => {
      const ids = [...this.stale].filter((s) => this.isKnown(s));
      this.stale.clear();
      await Promise.all(
        ids.map((s) =>
          this.apply(s).catch((err: Error) =>
            this.log.error({ id: s, err: err.message }, 'firewall not applied'),
          ),
        ),
      );
    });
  }

  async show(idOrCtid: string): Promise<Firewall> {
    const { id, bridge, ports, routed } = this.portsOf(idOrCtid);
    const settings = await this.settings(id);
    const table = ports.length > 0 || routed ? tableName(bridge, id) : null;
    const found = (table && (await countersOf([table])).get(table)) || new Map<string, never>();
    const counters = settings.rules.map((_, i) => {
      const c = found.get(ruleTag(i));
      return { packets: c?.packets ?? 0, bytes: c?.bytes ?? 0 };
    });
    return { ...settings, counters, table };
  }

  /** Saves the settings, then loads them: a crash between the two is mended by the next start. */
  async set(idOrCtid: string, input: FirewallSettingsInput): Promise<Firewall> {
    const { id } = this.portsOf(idOrCtid);
    const settings = FirewallSettings.parse(input);
    await this.lock.with('firewall', async () => {
      this.refuseUnknownSets(settings.rules);
      await assertFreeSpace(this.dir, 1024 * 1024, 'firewall settings');
      await writeFileAtomic(this.fileOf(id), JSON.stringify(settings, null, 2));
      this.crashAt('firewall.set');
      await this.apply(id);
    });
    return this.show(id);
  }

  /** A network's rules with each one's counters summed over its instances' tables. */
  async showNetwork(name: string): Promise<NetworkFirewall> {
    const settings = await this.networkSettings(name, true);
    const members = this.membersOf(name);
    const counters = settings.rules.map(() => ({ packets: 0, bytes: 0 }));
    const tables = members.map((id) => tableName(this.portsOf(id).bridge, id));
    for (const found of (await countersOf(tables)).values()) {
      counters.forEach((sum, i) => {
        const c = found.get(networkRuleTag(name, i));
        sum.packets += c?.packets ?? 0;
        sum.bytes += c?.bytes ?? 0;
      });
    }
    return { ...settings, counters, instances: members.length };
  }

  /** Saves a network's rules, then re-makes the table of each instance on it. */
  async setNetwork(name: string, input: NetworkFirewallSettingsInput): Promise<NetworkFirewall> {
    const createdAt = this.networkCreated(name);
    if (!createdAt) throw notFound(`network ${name}`);
    const settings = NetworkFirewallSettings.parse(input);
    await this.lock.with('firewall', async () => {
      this.refuseUnknownSets(settings.rules);
      await assertFreeSpace(this.dir, 1024 * 1024, 'network firewall rules');
      const file: NetworkFile = { createdAt, settings };
      await writeFileAtomic(this.networkFileOf(name), JSON.stringify(file, null, 2));
      this.crashAt('firewall.network');
      await this.applyAll(this.membersOf(name));
    });
    return this.showNetwork(name);
  }

  /** Re-makes the tables of a network's instances: their IPv6 allowance follows the network's. */
  async reapplyNetwork(name: string): Promise<void> {
    await this.lock.with('firewall', () => this.applyAll(this.membersOf(name)));
  }

  showClasses(): NetworkClasses {
    return this.classes;
  }

  /**
   * Saves the classes, then re-makes every instance's table with their counters (which start
   * again from zero). A crash between the two is mended by the next start, which makes every
   * table from the saved file.
   */
  async setClasses(input: NetworkClassesInput): Promise<NetworkClasses> {
    const classes = NetworkClasses.parse(input);
    await this.lock.with('firewall', async () => {
      await assertFreeSpace(this.dir, 1024 * 1024, 'network classes');
      await writeFileAtomic(this.classesFile, JSON.stringify(classes, null, 2));
      this.classes = classes;
      this.crashAt('firewall.classes');
      await this.applyAll([...(await this.containers.list()).map((c) => c.id), ...this.vms.ids()]);
    });
    return this.classes;
  }

  /** Every bridged instance's class counters, read table by table (see `nftListTables`). */
  async classCounters(): Promise<ClassCounterList> {
    const ids = [...(await this.containers.list()).map((c) => c.id), ...this.vms.ids()].filter(
      (id) => this.isKnown(id) && this.madeAt.has(id),
    );
    const tableOf = (id: string) => tableName(this.portsOf(id).bridge, id);
    const byTable = await readClassCounters(ids.map(tableOf), this.classes.classes);
    const items = ids.flatMap((id) => {
      const found = byTable.get(tableOf(id));
      const since = this.madeAt.get(id);
      return found && since ? [{ instanceId: id, since, classes: found }] : [];
    });
    return { items };
  }

  async listSets(): Promise<FirewallSet[]> {
    const users = await this.setUsers();
    return [...this.sets.keys()].sort().map((name) => this.describeSet(name, users));
  }

  async showSet(name: string): Promise<FirewallSet> {
    if (!this.sets.has(name)) throw notFound(`address set ${name}`);
    return this.describeSet(name, await this.setUsers());
  }

  async createSet(input: CreateFirewallSetInput): Promise<FirewallSet> {
    const { name, ...body } = CreateFirewallSet.parse(input);
    await this.lock.with('firewall', async () => {
      if (this.sets.has(name))
        throw conflict(`there is already an address set named ${name}`, 'name');
      await this.saveSets(new Map([...this.sets, [name, body]]));
    });
    return this.showSet(name);
  }

  /** Replaces a set's addresses, then re-makes every table that holds it. */
  async updateSet(name: string, input: FirewallSetBodyInput): Promise<FirewallSet> {
    const body = FirewallSetBody.parse(input);
    await this.lock.with('firewall', async () => {
      if (!this.sets.has(name)) throw notFound(`address set ${name}`);
      await this.saveSets(new Map([...this.sets, [name, body]]));
      this.crashAt('firewall.sets');
      const users = (await this.setUsers()).get(name);
      await this.applyAll(users?.tables ?? []);
    });
    return this.showSet(name);
  }

  /** A set that rules name is not deleted: 409 naming the instances and networks. */
  async deleteSet(name: string): Promise<void> {
    await this.lock.with('firewall', async () => {
      if (!this.sets.has(name)) throw notFound(`address set ${name}`);
      const users = (await this.setUsers()).get(name);
      if (users && (users.instances.length > 0 || users.networks.length > 0)) {
        const named = [
          ...users.instances.map((i) => `instance ${i.name}`),
          ...users.networks.map((n) => `network ${n}`),
        ];
        throw conflict(`address set ${name} is used by the rules of ${named.join(', ')}`);
      }
      const rest = new Map(this.sets);
      rest.delete(name);
      await this.saveSets(rest);
    });
  }

  private describeSet(name: string, users: Map<string, SetUsers>): FirewallSet {
    const u = users.get(name);
    return {
      name,
      ...this.sets.get(name)!,
      usedBy: { instances: u?.instances ?? [], networks: u?.networks ?? [] },
    };
  }

  private async saveSets(sets: Map<string, FirewallSetBody>): Promise<void> {
    await assertFreeSpace(this.dir, 1024 * 1024, 'address sets');
    const list = [...sets].map(([name, body]) => ({ name, ...body }));
    await writeFileAtomic(this.setsFile, JSON.stringify(list, null, 2));
    this.sets = sets;
  }

  /** Per set: the instances and networks whose rules name it, and the tables that hold it. */
  private async setUsers(): Promise<Map<string, SetUsers>> {
    const users = new Map<string, SetUsers>();
    const of = (set: string) => {
      if (!users.has(set)) users.set(set, { instances: [], networks: [], tables: [] });
      return users.get(set)!;
    };
    for (const file of await readdir(this.dir)) {
      const id = INSTANCE_FILE.exec(file)?.[1];
      if (id && this.isKnown(id)) {
        const { name } = this.portsOf(id);
        for (const set of setsNamedBy((await this.settings(id)).rules)) {
          of(set).instances.push({ id, name });
          of(set).tables.push(id);
        }
      }
      const network = NETWORK_FILE.exec(file)?.[1];
      if (network && this.networkCreated(network)) {
        for (const set of setsNamedBy((await this.networkSettings(network, false)).rules)) {
          of(set).networks.push(network);
          of(set).tables.push(...this.membersOf(network));
        }
      }
    }
    return users;
  }

  private refuseUnknownSets(rules: readonly FirewallRule[]): void {
    rules.forEach((rule, i) => {
      for (const field of ['source', 'destination'] as const) {
        const set = setNamed(rule[field]);
        if (set !== null && !this.sets.has(set)) {
          throw badRequest(`there is no address set named ${set}`, `rules.${i}.${field}`);
        }
      }
    });
  }

  private crashAt(failpoint: string): void {
    if (this.failpoint === failpoint) process.kill(process.pid, 'SIGKILL');
  }

  /** Together, as one nft load; every table is tried, and the first failure is thrown. */
  private async applyAll(ids: readonly string[]): Promise<void> {
    const settled = await Promise.allSettled([...new Set(ids)].map((id) => this.apply(id)));
    const failed = settled.find((s) => s.status === 'rejected');
    if (failed) throw failed.reason;
  }

  private async apply(id: string): Promise<void> {
    const { bridge, ports, routed } = this.portsOf(id);
    const table = tableName(bridge, id);
    // A table left under another network's bridge (the instance moved) goes in the same
    // transaction, so nothing lists every table (seconds with hundreds of them).
    const others = this.networks.bridges().filter((b) => b !== bridge);
    const networks = new Map<string, NetworkFirewallSettings>();
    for (const network of new Set([
      ...ports.map((p) => p.network),
      ...(routed ? [routed.network] : []),
    ])) {
      networks.set(network, await this.networkSettings(network, false));
    }
    const sets = new Map([...this.sets].map(([name, body]) => [name, body.addresses]));
    // A host-routed eth0 is on no bridge: its guard, rules and counters are an inet table, which
    // its bridged adapters' rejects join. A VM without adapters has nothing to filter; its
    // settings wait for one.
    const settings = await this.settings(id);
    const routedPart = routed
      ? routedScript(table, routed, settings, { networks, sets }) +
        classCountingScript(table, [routed], this.classes.classes, 'inet')
      : '';
    if (ports.length === 0) {
      await nftLoad(dropTables([bridge, ...others], id) + routedPart);
    } else {
      await nftLoad(
        dropTables(others, id) +
          routedPart +
          firewallScript(table, ports, settings, { networks, sets }, routed !== undefined) +
          classCountingScript(table, ports, this.classes.classes),
      );
    }
    if (routed || ports.length > 0) this.madeAt.set(id, new Date().toISOString());
    this.applied.set(id, portsKey({ bridge, ports, routed }));
  }

  async remove(id: string): Promise<void> {
    this.applied.delete(id);
    await nftLoad(dropTables(this.networks.bridges(), id));
    await rm(this.fileOf(id), { force: true });
  }

  /** Every table of the families instances' tables are in. */
  private async instanceTables(): Promise<{ family: string; name: string }[]> {
    return (await nftTableNames()).filter(({ family }) =>
      (TABLE_FAMILIES as readonly string[]).includes(family),
    );
  }

  private async settings(id: string): Promise<FirewallSettings> {
    try {
      return FirewallSettings.parse(JSON.parse(await readFile(this.fileOf(id), 'utf8')));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return DEFAULTS;
      throw err;
    }
  }

  /**
   * A network's rules; none for a network deleted (or made again) since they were saved. A
   * network that is not there is a 404 when `strict`.
   */
  private async networkSettings(name: string, strict: boolean): Promise<NetworkFirewallSettings> {
    const createdAt = this.networkCreated(name);
    if (!createdAt && strict) throw notFound(`network ${name}`);
    try {
      const saved = JSON.parse(await readFile(this.networkFileOf(name), 'utf8')) as NetworkFile;
      return saved.createdAt === createdAt
        ? NetworkFirewallSettings.parse(saved.settings)
        : NO_NETWORK_RULES;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return NO_NETWORK_RULES;
      throw err;
    }
  }

  /** When a network that instances may join was made; null when there is none of that name. */
  private networkCreated(name: string): string | null {
    try {
      return this.networks.get(name).createdAt;
    } catch {
      return null;
    }
  }

  private membersOf(network: string): string[] {
    return [...this.containers.onNetwork(network), ...this.vms.onNetwork(network)].map((m) => m.id);
  }

  /** The instance's ports; the table is named after its (first) adapter's bridge. */
  private portsOf(idOrCtid: string): {
    id: string;
    name: string;
    bridge: string;
    ports: Port[];
    routed?: RoutedPort;
  } {
    const vm = /^\d+$/.test(idOrCtid) ? undefined : this.vmOf(idOrCtid);
    if (vm) {
      return {
        id: vm.id,
        name: vm.name,
        bridge: this.networks.bridgeFor(vm.nics[0]?.network ?? DEFAULT_NETWORK),
        ports: vm.nics.map((n) => {
          const network = n.network ?? DEFAULT_NETWORK;
          return {
            bridge: this.networks.bridgeFor(network),
            ifname: n.tap,
            mac: n.mac,
            // A static lease is the address; else what DHCP gave, once it gave one.
            ipv4: n.ipv4?.split('/')[0] ?? this.networks.leasedAddress(network, n.mac),
            ipv6: slaacSources(n.mac, this.networks.ipv6Of(network)),
            dhcp: true,
            network,
          };
        }),
      };
    }
    const record = this.containers.resolve(idOrCtid);
    const routed = record.networkMode === 'routed';
    // Each bridged adapter a port of its table; a routed eth0 is on no bridge (see apply).
    return {
      id: record.id,
      name: record.name,
      bridge: this.networks.bridgeFor(record.network ?? DEFAULT_NETWORK),
      ports: adaptersOf(record)
        .filter((a) => a.mode !== 'routed')
        .map((a) => ({
          bridge: this.networks.bridgeFor(a.network),
          ifname: a.veth,
          mac: a.mac,
          ipv4: a.ipv4.split('/')[0]!,
          ipv6: [
            ...(a.index === 0 && record.ipv6 ? [record.ipv6.split('/')[0]!] : []),
            ...slaacSources(a.mac, this.networks.ipv6Of(a.network)),
          ],
          dhcp: false,
          network: a.network,
        })),
      ...(routed && {
        routed: {
          ifname: vethFor(record.id),
          ipv4: record.ipv4.split('/')[0]!,
          ipv6: record.ipv6?.split('/')[0] ?? null,
          network: record.network ?? DEFAULT_NETWORK,
        },
      }),
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

  private networkFileOf(name: string): string {
    return path.join(this.dir, `network-${name}.json`);
  }

  private get classesFile(): string {
    return path.join(this.dir, 'classes.json');
  }

  private get setsFile(): string {
    return path.join(this.dir, 'sets.json');
  }
}

/**
 * An nft script that deletes an instance's tables under these bridges, whether or not they
 * exist: each `table` line makes sure there is one to delete.
 */
function dropTables(bridges: readonly string[], id: string): string {
  return bridges
    .flatMap((b) =>
      TABLE_FAMILIES.flatMap((family) => [
        `table ${family} ${tableName(b, id)}`,
        `delete table ${family} ${tableName(b, id)}`,
        '',
      ]),
    )
    .join('\n');
}
