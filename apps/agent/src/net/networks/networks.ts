import { mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type {
  CreateNetwork,
  Network,
  NetworkMember,
  UpdateNetwork,
  VxlanSettings,
} from '@berth/contracts';
import { DEFAULT_NETWORK, badRequest, conflict, notFound } from '@berth/contracts';
import type { AgentConfig } from '../../config.js';
import { writeFileAtomic } from '../../journal/atomic-file.js';
import { KeyedLock } from '../../locks.js';
import type { Log } from '../../log.js';
import { exec, run } from '../../run.js';
import { assertFreeSpace } from '../../storage/free-space.js';
import { ensureBridge, natTable } from '../bridge.js';
import { hostsFile, namesFile, startDhcp, type Dhcp } from '../dhcp.js';
import { LeaseWatch } from '../leases.js';
import { guardTable } from '../firewall.js';
import { dhcpRange, inSubnet, intToIp, ipToInt, parseCidr } from '../ipv4.js';
import {
  bridgeTable6Script,
  canonicalCidr6,
  checkGateway6,
  enableIpv6Forwarding,
  ensureBridge6,
  overlaps6,
} from '../ipv6.js';
import {
  checkVxlan,
  ensureVxlan,
  removeVxlan,
  vxlanDevice,
  vxlanUp,
  type Vxlan,
} from '../vxlan.js';
import { nft, nftLoad } from '../nft.js';

/** An instance on a network, with the host-side links (veth, taps) that belong on its bridge. */
export interface Attached extends Omit<NetworkMember, 'ipv6'> {
  ports: string[];
  /** A container's static IPv6 address/prefix; absent for none. */
  ipv6?: string | null;
}

/** A VM adapter's fixed address, handed out by the network's DHCP to its MAC. */
export interface StaticLease {
  mac: string;
  ip: string;
}

export interface NetworkEntry {
  name: string;
  bridge: string;
  ipv4: string;
  /** The gateway's IPv6 address/prefix; absent in entries from before IPv6: none. */
  ipv6?: string | null;
  nat: boolean;
  dhcp: { enabled: boolean; first: string; last: string };
  mtu: number;
  /** Absent in entries from before DNS names: none. */
  dnsDomain?: string | null;
  /** The overlay to other hosts; absent in entries from before VXLAN: none. */
  vxlan?: Vxlan | null;
  createdAt: string;
  /** The intent: `creating` and `deleting` are finished (made whole, or removed) at start. */
  state: 'creating' | 'ready' | 'deleting';
}

/** A network's bridge when its create names none (Linux allows 15 characters). */
const bridgeNamed = (network: string) => `bn-${network.toLowerCase()}`.slice(0, 15);

const asVxlan = (v: VxlanSettings | null): Vxlan | null =>
  v && { id: v.id, remotes: [...v.remotes], local: v.local ?? null, port: v.port };

interface NetworkState {
  networks: NetworkEntry[];
}

/**
 * The agent's virtual networks (issue 15): a bridge with the host's gateway address, NAT to the
 * outside in an nftables table of its own, dnsmasq for DHCP, and the guard table that keeps
 * instances off the API and the agent. Kept in `networks.json` (written whole, atomically) and
 * applied again at every start, so a bridge deleted by hand or a half-made network is made
 * whole. The configured bridge is the network `default`.
 */
export class Networks {
  private state: NetworkState = { networks: [] };
  private readonly dhcp = new Map<string, Dhcp>();
  private readonly lock = new KeyedLock();
  private members: (network: string) => Attached[] = () => [];
  private staticLeases: (network: string) => StaticLease[] = () => [];
  private ipv6Changed: (network: string) => Promise<void> = async () => {};
  /** The lease files of networks with DHCP, watched so the firewall knows what VMs were given. */
  private readonly leases = new Map<string, LeaseWatch>();
  private leasesChanged: (network: string) => void = () => {};

  constructor(
    private readonly config: AgentConfig,
    private readonly log: Log,
  ) {}

  private get file() {
    return path.join(this.config.dataDir, 'networks.json');
  }

  /** dnsmasq's pid and leases: the default network's stay where they were before networks. */
  private stateDir(entry: NetworkEntry) {
    return entry.name === DEFAULT_NETWORK
      ? this.config.dataDir
      : path.join(this.config.dataDir, 'networks', entry.name);
  }

  countMembersWith(members: (network: string) => Attached[]): void {
    this.members = members;
  }

  leaseStaticallyWith(leases: (network: string) => StaticLease[]): void {
    this.staticLeases = leases;
  }

  /** What follows a network's IPv6 changing (the instances' tables allow their SLAAC address). */
  onIpv6ChangeDo(then: (network: string) => Promise<void>): void {
    this.ipv6Changed = then;
  }

  /** What follows a network's DHCP leases changing (a VM's table allows the address it got). */
  onLeasesChangeDo(then: (network: string) => void): void {
    this.leasesChanged = then;
  }

  /** The address DHCP gave the MAC on the network; null for none (or a network without DHCP). */
  leasedAddress(network: string, mac: string): string | null {
    return this.leases.get(network)?.of(mac) ?? null;
  }

  /** Addresses instances on a network hold (containers' own, VMs' static leases), but one's. */
  addressesInUse(network: string, exceptId: string): string[] {
    return this.members(network)
      .filter((m) => m.id !== exceptId && m.ipv4)
      .map((m) => m.ipv4!.split('/')[0]!);
  }

  /**
   * Writes the networks' static leases (all when no names) and restarts the dnsmasq of those
   * whose leases changed, since it takes them as arguments. Leases handed out stay in its lease
   * file; an unchanged network is left alone, so an agent start changes nothing.
   */
  async refreshStaticLeases(names?: string[]): Promise<void> {
    for (const entry of this.state.networks.filter((n) => !names || names.includes(n.name))) {
      const lines = this.staticLeases(entry.name).map((l) => `${l.mac},${l.ip}\n`);
      const changed = await this.rewrite(hostsFile(this.stateDir(entry)), lines);
      if (changed && this.dhcp.has(entry.name)) await this.restartDhcp(entry);
    }
  }

  /**
   * Writes the names of the instances with a fixed address (containers, VMs with a static lease)
   * on each network with DNS, and restarts the dnsmasq of those whose names changed. VMs that
   * take any lease are named by the host name their DHCP client sends.
   */
  async refreshNames(): Promise<void> {
    await this.lock.with('networks', async () => {
      for (const entry of this.state.networks.filter((n) => n.state === 'ready' && n.dnsDomain)) {
        if (!(await this.writeNames(entry))) continue;
        // A kill here leaves the new names unserved: the next start's dnsmasq differs and is remade.
        if (this.config.failpoint === 'network.names') process.kill(process.pid, 'SIGKILL');
        await this.restartDhcp(entry);
      }
    });
  }

  private writeNames(entry: NetworkEntry): Promise<boolean> {
    const lines = this.members(entry.name)
      .filter((m) => m.ipv4)
      .map((m) => {
        const v6 = entry.ipv6 && m.ipv6 ? `,${m.ipv6.split('/')[0]}` : '';
        return `${m.name.toLowerCase()},${m.ipv4!.split('/')[0]}${v6}\n`;
      })
      .sort();
    return this.rewrite(namesFile(this.stateDir(entry)), lines);
  }

  /** Writes a file of lines unless it holds them already; whether it changed. */
  private async rewrite(file: string, lines: string[]): Promise<boolean> {
    if ((await readFile(file, 'utf8').catch(() => '')) === lines.join('')) return false;
    await mkdir(path.dirname(file), { recursive: true });
    await writeFileAtomic(file, lines.join(''));
    return true;
  }

  private save(): Promise<void> {
    return writeFileAtomic(this.file, JSON.stringify(this.state, null, 2));
  }

  /**
   * Loads the networks and applies each; the first start with networks makes `default` from
   * the configured bridge in place (the bridge and its instances stay as they are). The
   * configuration names the default's bridge and address, so they follow it.
   */
  async init(): Promise<void> {
    const saved = await readFile(this.file, 'utf8')
      .then((t) => JSON.parse(t) as NetworkState)
      .catch(() => null);
    if (saved) this.state = saved;
    const range = dhcpRange(parseCidr(this.config.bridgeCidr).subnet);
    const old = this.state.networks.find((n) => n.name === DEFAULT_NETWORK);
    const byConfig: NetworkEntry = {
      name: DEFAULT_NETWORK,
      nat: true,
      dhcp: { enabled: true, first: intToIp(range.first), last: intToIp(range.last) },
      mtu: 1500,
      createdAt: new Date().toISOString(),
      state: 'ready',
      ...old,
      bridge: this.config.bridge,
      ipv4: this.config.bridgeCidr,
    };
    // A new BERTH_AGENT_BRIDGE_CIDR moves the DHCP range with it.
    if (old && old.ipv4 !== byConfig.ipv4) {
      byConfig.dhcp = { ...old.dhcp, first: intToIp(range.first), last: intToIp(range.last) };
    }
    this.state.networks = [byConfig, ...this.state.networks.filter((n) => n !== old)];
    for (const entry of [...this.state.networks]) {
      if (entry.state === 'deleting') {
        await this.teardown(entry);
        this.state.networks = this.state.networks.filter((n) => n !== entry);
        this.log.warn({ network: entry.name }, 'finished deleting a network cut short');
        continue;
      }
      await this.apply(entry);
      if (entry.state === 'creating') {
        entry.state = 'ready';
        this.log.warn({ network: entry.name }, 'finished making a network cut short');
      }
    }
    await this.save();
  }

  /** Puts instances' host-side links back on their bridge (one deleted by hand loses them). */
  async reattach(): Promise<void> {
    for (const entry of this.state.networks) {
      for (const port of this.members(entry.name).flatMap((m) => m.ports)) {
        await exec('ip', ['link', 'set', 'dev', port, 'master', entry.bridge]);
      }
    }
  }

  /** Idempotent: the bridge, its address and MTU, NAT, the guard table, VXLAN and dnsmasq. */
  private async apply(entry: NetworkEntry): Promise<void> {
    await ensureBridge(entry.bridge, entry.ipv4, this.config.guardedPorts, this.log, {
      nat: entry.nat,
      mtu: entry.mtu,
    });
    await this.apply6(entry);
    try {
      await ensureVxlan(entry.bridge, entry.vxlan ?? null, entry.mtu, this.log);
    } catch (err) {
      // The network still serves this host; its description shows the overlay down.
      this.log.warn({ network: entry.name, err: (err as Error).message }, 'no VXLAN overlay');
    }
    await this.restartDhcp(entry);
  }

  /**
   * The bridge's IPv6 address and its ip6 table (isolation, NAT), or neither when it has none.
   * Forwarding is turned on first, and only for a network with IPv6 (see enableIpv6Forwarding).
   */
  private async apply6(entry: NetworkEntry): Promise<void> {
    const ipv6 = entry.ipv6 ?? null;
    if (ipv6) await enableIpv6Forwarding(this.log);
    await ensureBridge6(entry.bridge, ipv6);
    await nftLoad(bridgeTable6Script(natTable(entry.bridge), entry.bridge, ipv6, entry.nat));
  }

  /**
   * The overlay of a network whose entry is saved already. A kill at the failpoint leaves the
   * entry ahead of the host, which the next start's apply catches up with.
   */
  private async applyVxlan(entry: NetworkEntry): Promise<void> {
    if (this.config.failpoint === 'network.vxlan') process.kill(process.pid, 'SIGKILL');
    await ensureVxlan(entry.bridge, entry.vxlan ?? null, entry.mtu, this.log);
  }

  /** Refuses an overlay the host cannot carry, or that another network here has. */
  private async checkVxlan(entry: NetworkEntry, except: NetworkEntry | null): Promise<void> {
    if (!entry.vxlan) return;
    const others = this.state.networks.filter((n) => n !== except && n !== entry);
    await checkVxlan(entry.bridge, entry.vxlan, entry.mtu, {
      devices: others.flatMap((n) => [n.bridge, ...(n.vxlan ? [vxlanDevice(n.bridge)] : [])]),
      vnis: new Map(others.flatMap((n) => (n.vxlan ? [[n.vxlan.id, n.name] as const] : []))),
    });
  }

  private async restartDhcp(entry: NetworkEntry): Promise<void> {
    await this.dhcp.get(entry.name)?.stop();
    this.dhcp.delete(entry.name);
    if (!entry.dhcp.enabled) this.unwatchLeases(entry.name);
    if (!entry.dhcp.enabled && !entry.dnsDomain && !entry.ipv6) return;
    const dir = this.stateDir(entry);
    // The last run's static leases, in the file, until the VMs are loaded and refreshStaticLeases
    // writes them anew: a dnsmasq left by the last agent then matches and is adopted.
    await mkdir(dir, { recursive: true });
    if (entry.dhcp.enabled && !this.leases.has(entry.name)) {
      const { name } = entry;
      this.leases.set(name, await LeaseWatch.start(dir, () => this.leasesChanged(name)));
    }
    this.dhcp.set(
      entry.name,
      await startDhcp(entry.bridge, entry.ipv4, dir, {
        range: entry.dhcp.enabled
          ? { first: ipToInt(entry.dhcp.first), last: ipToInt(entry.dhcp.last) }
          : null,
        dnsDomain: entry.dnsDomain ?? null,
        ipv6: entry.ipv6 ?? null,
      }),
    );
  }

  private unwatchLeases(name: string): void {
    this.leases.get(name)?.close();
    this.leases.delete(name);
  }

  private async teardown(entry: NetworkEntry): Promise<void> {
    await this.dhcp.get(entry.name)?.stop();
    this.dhcp.delete(entry.name);
    this.unwatchLeases(entry.name);
    await removeVxlan(entry.bridge);
    await exec('ip', ['link', 'del', 'dev', entry.bridge]);
    await nft(['delete', 'table', 'ip', natTable(entry.bridge)]);
    await nft(['delete', 'table', 'ip6', natTable(entry.bridge)]);
    await nft(['delete', 'table', 'inet', guardTable(entry.bridge)]);
    if (entry.name !== DEFAULT_NETWORK) {
      await rm(this.stateDir(entry), { recursive: true, force: true });
    }
  }

  /** Ends the DHCP servers, unless VMs (which keep renewing leases) still run. */
  async close(keepDhcp: boolean): Promise<void> {
    for (const name of [...this.leases.keys()]) this.unwatchLeases(name);
    if (keepDhcp) return;
    await Promise.all([...this.dhcp.values()].map((d) => d.stop()));
    this.dhcp.clear();
  }

  /** A network instances may join (synchronous: creates reserve addresses without yielding). */
  get(name: string, field = 'network'): NetworkEntry {
    const entry = this.state.networks.find((n) => n.name === name && n.state === 'ready');
    if (!entry) throw badRequest(`there is no network named ${name}`, field);
    return entry;
  }

  /**
   * The bridge an existing instance's config names. Never a throw: a record naming a network
   * this agent does not know (networks.json lost) must not stop the agent from starting; that
   * instance's start fails on the missing bridge instead.
   */
  bridgeFor(name: string): string {
    const entry = this.state.networks.find((n) => n.name === name);
    if (entry) return entry.bridge;
    this.log.warn({ network: name }, 'an instance is on a network this agent does not know');
    return bridgeNamed(name);
  }

  /** A network's IPv6 gateway/prefix, or null (none, or a network this agent does not know). */
  ipv6Of(name: string): string | null {
    return this.state.networks.find((n) => n.name === name)?.ipv6 ?? null;
  }

  /** Every network's bridge, ready or not: tables named after any of them may exist. */
  bridges(): string[] {
    return this.state.networks.map((n) => n.bridge);
  }

  async list(): Promise<Network[]> {
    return Promise.all(
      this.state.networks.filter((n) => n.state === 'ready').map((n) => this.describe(n)),
    );
  }

  async show(name: string): Promise<Network> {
    const entry = this.state.networks.find((n) => n.name === name && n.state === 'ready');
    if (!entry) throw notFound(`network ${name}`);
    return this.describe(entry);
  }

  private async describe(entry: NetworkEntry): Promise<Network> {
    const link = await exec('ip', ['-j', 'link', 'show', 'dev', entry.bridge]);
    const up =
      link.code === 0 &&
      (JSON.parse(link.stdout) as Array<{ flags?: string[] }>)[0]?.flags?.includes('UP') === true;
    return {
      name: entry.name,
      bridge: entry.bridge,
      ipv4: entry.ipv4,
      ipv6: entry.ipv6 ?? null,
      nat: entry.nat,
      dhcp: { ...entry.dhcp },
      mtu: entry.mtu,
      dnsDomain: entry.dnsDomain ?? null,
      vxlan: entry.vxlan
        ? {
            ...entry.vxlan,
            remotes: [...entry.vxlan.remotes],
            device: vxlanDevice(entry.bridge),
            up: await vxlanUp(entry.bridge),
          }
        : null,
      default: entry.name === DEFAULT_NETWORK,
      up,
      instances: this.members(entry.name).map(({ id, name, kind, ipv4, ipv6 }) => ({
        id,
        name,
        kind,
        ipv4,
        ipv6: ipv6 ?? null,
      })),
      createdAt: entry.createdAt,
    };
  }

  /** Checks a gateway/prefix and DHCP range against the subnet and the other networks. */
  private checkAddressing(
    ipv4: string,
    dhcp: { first?: string; last?: string },
    except: NetworkEntry | null,
  ): { first: string; last: string } {
    const { ip, subnet } = parseCidr(ipv4);
    if (subnet.prefix < 8 || subnet.prefix > 29) {
      throw badRequest('the prefix must be between /8 and /29', 'ipv4');
    }
    if (!inSubnet(ip, subnet)) {
      throw badRequest(`${ip} is not a host address of its subnet`, 'ipv4');
    }
    for (const other of this.state.networks) {
      if (other === except) continue;
      const o = parseCidr(other.ipv4).subnet;
      if (subnet.network <= o.broadcast && o.network <= subnet.broadcast) {
        throw conflict(`${ipv4} overlaps network ${other.name} (${other.ipv4})`, 'ipv4');
      }
    }
    const top = dhcpRange(subnet);
    const first = dhcp.first ?? intToIp(top.first);
    const last = dhcp.last ?? intToIp(top.last);
    for (const [field, addr] of [
      ['dhcp.first', first],
      ['dhcp.last', last],
    ] as const) {
      if (!inSubnet(addr, subnet) || addr === ip) {
        throw badRequest(`${addr} is not a free host address of ${ipv4}`, field);
      }
    }
    if (ipToInt(first) > ipToInt(last)) {
      throw badRequest('the DHCP range ends before it starts', 'dhcp.last');
    }
    return { first, last };
  }

  /** A gateway/prefix for IPv6, in its one spelling; 409 when it overlaps another network's. */
  private checkAddressing6(ipv6: string | null, except: NetworkEntry | null): string | null {
    if (!ipv6) return null;
    checkGateway6(ipv6, 'ipv6');
    for (const other of this.state.networks) {
      if (other === except || !other.ipv6) continue;
      if (overlaps6(ipv6, other.ipv6)) {
        throw conflict(`${ipv6} overlaps network ${other.name} (${other.ipv6})`, 'ipv6');
      }
    }
    return canonicalCidr6(ipv6);
  }

  async create(req: CreateNetwork): Promise<Network> {
    return this.lock.with('networks', async () => {
      if (this.state.networks.some((n) => n.name.toLowerCase() === req.name.toLowerCase())) {
        throw conflict(`a network named ${req.name} exists already`, 'name');
      }
      const bridge = req.bridge ?? bridgeNamed(req.name);
      if (
        this.state.networks.some((n) => n.bridge === bridge) ||
        (await exec('ip', ['link', 'show', 'dev', bridge])).code === 0
      ) {
        throw conflict(`the host has a link named ${bridge} already`, 'bridge');
      }
      const range = this.checkAddressing(req.ipv4, req.dhcp, null);
      const ipv6 = this.checkAddressing6(req.ipv6, null);
      await assertFreeSpace(this.config.dataDir, 1024 * 1024, `network ${req.name}`);
      const entry: NetworkEntry = {
        name: req.name,
        bridge,
        ipv4: req.ipv4,
        ipv6,
        nat: req.nat,
        dhcp: { enabled: req.dhcp.enabled, ...range },
        mtu: req.mtu,
        dnsDomain: req.dnsDomain,
        vxlan: asVxlan(req.vxlan),
        createdAt: new Date().toISOString(),
        state: 'creating',
      };
      await this.checkVxlan(entry, null);
      // The intent first: a kill from here on is finished by the next start.
      this.state.networks.push(entry);
      await this.save();
      try {
        await ensureBridge(bridge, entry.ipv4, this.config.guardedPorts, this.log, {
          nat: entry.nat,
          mtu: entry.mtu,
        });
        await this.apply6(entry);
        if (this.config.failpoint === 'network.create') process.kill(process.pid, 'SIGKILL');
        if (entry.vxlan) await this.applyVxlan(entry);
        await this.restartDhcp(entry);
      } catch (err) {
        await this.teardown(entry);
        this.state.networks = this.state.networks.filter((n) => n !== entry);
        await this.save();
        throw err;
      }
      entry.state = 'ready';
      await this.save();
      return this.describe(entry);
    });
  }

  async update(name: string, req: UpdateNetwork): Promise<Network> {
    return this.lock.with('networks', async () => {
      const entry = this.state.networks.find((n) => n.name === name && n.state === 'ready');
      if (!entry) throw notFound(`network ${name}`);
      const members = this.members(name);
      const ipv4 = req.ipv4 ?? entry.ipv4;
      if (ipv4 !== entry.ipv4) {
        if (name === DEFAULT_NETWORK) {
          throw conflict(
            "the default network's address is the agent's BERTH_AGENT_BRIDGE_CIDR",
            'ipv4',
          );
        }
        if (members.length > 0) {
          throw conflict(
            `network ${name} is used by ${members.length} instance(s): ${members.map((m) => m.name).join(', ')}`,
            'ipv4',
          );
        }
      }
      const dhcpAsked =
        req.dhcp ?? (ipv4 === entry.ipv4 ? entry.dhcp : { enabled: entry.dhcp.enabled });
      const range = this.checkAddressing(ipv4, dhcpAsked, entry);
      const ipv6 =
        req.ipv6 === undefined ? (entry.ipv6 ?? null) : this.checkAddressing6(req.ipv6, entry);
      // Adding IPv6 leaves the instances as they are; changing it would strand their addresses.
      const holding6 = members.filter((m) => m.ipv6);
      if (ipv6 !== (entry.ipv6 ?? null) && holding6.length > 0) {
        throw conflict(
          `network ${name}'s IPv6 is used by ${holding6.map((m) => m.name).join(', ')}`,
          'ipv6',
        );
      }
      const inRange = members.filter(
        (m) =>
          m.ipv4 !== null &&
          ipToInt(m.ipv4.split('/')[0] as string) >= ipToInt(range.first) &&
          ipToInt(m.ipv4.split('/')[0] as string) <= ipToInt(range.last),
      );
      if (inRange.length > 0) {
        throw conflict(
          `the DHCP range holds addresses of ${inRange.map((m) => `${m.name} (${m.ipv4})`).join(', ')}`,
          'dhcp',
        );
      }
      const next: NetworkEntry = {
        ...entry,
        ipv4,
        ipv6,
        nat: req.nat ?? entry.nat,
        mtu: req.mtu ?? entry.mtu,
        dhcp: { enabled: req.dhcp?.enabled ?? entry.dhcp.enabled, ...range },
        dnsDomain: req.dnsDomain === undefined ? (entry.dnsDomain ?? null) : req.dnsDomain,
        vxlan: req.vxlan === undefined ? (entry.vxlan ?? null) : asVxlan(req.vxlan),
      };
      if (req.vxlan !== undefined || req.mtu !== undefined) await this.checkVxlan(next, entry);
      // Recorded first, then applied: a kill in between is applied by the next start.
      this.state.networks = this.state.networks.map((n) => (n === entry ? next : n));
      await this.save();
      // A kill here leaves the entry ahead of the host: the next start's apply catches up.
      if (this.config.failpoint === 'network.update') process.kill(process.pid, 'SIGKILL');
      if (ipv4 !== entry.ipv4) await run('ip', ['-4', 'addr', 'flush', 'dev', next.bridge]);
      await ensureBridge(next.bridge, next.ipv4, this.config.guardedPorts, this.log, {
        nat: next.nat,
        mtu: next.mtu,
      });
      await this.apply6(next);
      if (next.vxlan || entry.vxlan) await this.applyVxlan(next);
      const namesChanged = next.dnsDomain ? await this.writeNames(next) : false;
      if (
        JSON.stringify(next.dhcp) !== JSON.stringify(entry.dhcp) ||
        ipv4 !== entry.ipv4 ||
        ipv6 !== (entry.ipv6 ?? null) ||
        next.dnsDomain !== (entry.dnsDomain ?? null) ||
        namesChanged
      ) {
        await this.restartDhcp(next);
      }
      // Every agent start makes the tables anew too, so a kill before this is mended.
      if (ipv6 !== (entry.ipv6 ?? null)) await this.ipv6Changed(name);
      return this.describe(next);
    });
  }

  async remove(name: string): Promise<void> {
    return this.lock.with('networks', async () => {
      const entry = this.state.networks.find((n) => n.name === name && n.state === 'ready');
      if (!entry) throw notFound(`network ${name}`);
      if (name === DEFAULT_NETWORK) {
        throw conflict("the default network is the agent's configured bridge and stays");
      }
      const members = this.members(name);
      if (members.length > 0) {
        throw conflict(
          `network ${name} is used by ${members.length} instance(s): ${members.map((m) => m.name).join(', ')}`,
        );
      }
      entry.state = 'deleting';
      await this.save();
      await this.teardown(entry);
      this.state.networks = this.state.networks.filter((n) => n !== entry);
      await this.save();
    });
  }
}
