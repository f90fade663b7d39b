import { mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { CreateNetwork, Network, NetworkMember, UpdateNetwork } from '@berth/contracts';
import { DEFAULT_NETWORK, badRequest, conflict, notFound } from '@berth/contracts';
import type { AgentConfig } from '../../config.js';
import { writeFileAtomic } from '../../journal/atomic-file.js';
import { KeyedLock } from '../../locks.js';
import type { Log } from '../../log.js';
import { exec, run } from '../../run.js';
import { assertFreeSpace } from '../../storage/free-space.js';
import { ensureBridge, natTable } from '../bridge.js';
import { hostsFile, startDhcp, type Dhcp } from '../dhcp.js';
import { guardTable } from '../firewall.js';
import { dhcpRange, inSubnet, intToIp, ipToInt, parseCidr } from '../ipv4.js';

/** An instance on a network, with the host-side links (veth, taps) that belong on its bridge. */
export interface Attached extends NetworkMember {
  ports: string[];
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
  nat: boolean;
  dhcp: { enabled: boolean; first: string; last: string };
  mtu: number;
  createdAt: string;
  /** The intent: `creating` and `deleting` are finished (made whole, or removed) at start. */
  state: 'creating' | 'ready' | 'deleting';
}

/** A network's bridge when its create names none (Linux allows 15 characters). */
const bridgeNamed = (network: string) => `bn-${network.toLowerCase()}`.slice(0, 15);

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
      const file = hostsFile(this.stateDir(entry));
      const lines = this.staticLeases(entry.name).map((l) => `${l.mac},${l.ip}\n`);
      if ((await readFile(file, 'utf8').catch(() => '')) === lines.join('')) continue;
      await mkdir(this.stateDir(entry), { recursive: true });
      await writeFileAtomic(file, lines.join(''));
      if (this.dhcp.has(entry.name)) await this.restartDhcp(entry);
    }
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

  /** Idempotent: the bridge, its address and MTU, NAT, the guard table, and dnsmasq. */
  private async apply(entry: NetworkEntry): Promise<void> {
    await ensureBridge(entry.bridge, entry.ipv4, this.config.guardedPorts, this.log, {
      nat: entry.nat,
      mtu: entry.mtu,
    });
    await this.restartDhcp(entry);
  }

  private async restartDhcp(entry: NetworkEntry): Promise<void> {
    await this.dhcp.get(entry.name)?.stop();
    this.dhcp.delete(entry.name);
    if (!entry.dhcp.enabled) return;
    const dir = this.stateDir(entry);
    // The last run's static leases, in the file, until the VMs are loaded and refreshStaticLeases
    // writes them anew: a dnsmasq left by the last agent then matches and is adopted.
    await mkdir(dir, { recursive: true });
    this.dhcp.set(
      entry.name,
      await startDhcp(entry.bridge, entry.ipv4, dir, {
        first: ipToInt(entry.dhcp.first),
        last: ipToInt(entry.dhcp.last),
      }),
    );
  }

  private async teardown(entry: NetworkEntry): Promise<void> {
    await this.dhcp.get(entry.name)?.stop();
    this.dhcp.delete(entry.name);
    await exec('ip', ['link', 'del', 'dev', entry.bridge]);
    await exec('nft', ['delete', 'table', 'ip', natTable(entry.bridge)]);
    await exec('nft', ['delete', 'table', 'inet', guardTable(entry.bridge)]);
    if (entry.name !== DEFAULT_NETWORK) {
      await rm(this.stateDir(entry), { recursive: true, force: true });
    }
  }

  /** Ends the DHCP servers, unless VMs (which keep renewing leases) still run. */
  async close(keepDhcp: boolean): Promise<void> {
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
      nat: entry.nat,
      dhcp: { ...entry.dhcp },
      mtu: entry.mtu,
      default: entry.name === DEFAULT_NETWORK,
      up,
      instances: this.members(entry.name).map(({ id, name, kind, ipv4 }) => ({
        id,
        name,
        kind,
        ipv4,
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
      await assertFreeSpace(this.config.dataDir, 1024 * 1024, `network ${req.name}`);
      const entry: NetworkEntry = {
        name: req.name,
        bridge,
        ipv4: req.ipv4,
        nat: req.nat,
        dhcp: { enabled: req.dhcp.enabled, ...range },
        mtu: req.mtu,
        createdAt: new Date().toISOString(),
        state: 'creating',
      };
      // The intent first: a kill from here on is finished by the next start.
      this.state.networks.push(entry);
      await this.save();
      try {
        await ensureBridge(bridge, entry.ipv4, this.config.guardedPorts, this.log, {
          nat: entry.nat,
          mtu: entry.mtu,
        });
        if (this.config.failpoint === 'network.create') process.kill(process.pid, 'SIGKILL');
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
        nat: req.nat ?? entry.nat,
        mtu: req.mtu ?? entry.mtu,
        dhcp: { enabled: req.dhcp?.enabled ?? entry.dhcp.enabled, ...range },
      };
      // Recorded first, then applied: a kill in between is applied by the next start.
      this.state.networks = this.state.networks.map((n) => (n === entry ? next : n));
      await this.save();
      if (ipv4 !== entry.ipv4) await run('ip', ['addr', 'flush', 'dev', next.bridge]);
      await ensureBridge(next.bridge, next.ipv4, this.config.guardedPorts, this.log, {
        nat: next.nat,
        mtu: next.mtu,
      });
      if (JSON.stringify(next.dhcp) !== JSON.stringify(entry.dhcp) || ipv4 !== entry.ipv4) {
        await this.restartDhcp(next);
      }
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
