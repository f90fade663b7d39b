import type {
  AddVmNicRequest,
  InstanceNics,
  LinkState,
  Operation,
  SetCtAdapterRequest,
  VmNicChange,
} from '@berth/contracts';
import { MAX_CT_ADAPTERS, badRequest, conflict, notFound, wrongState } from '@berth/contracts';
import { macFor, vethFor } from '../drivers/lxc/config.js';
import { plugContainerVeth, unplugContainerVeth } from '../net/ct-veth.js';
import type { Step } from '../journal/journal.js';
import { setHostLink } from '../net/link.js';
import type { Networks } from '../net/networks/networks.js';
import { dropIfb, shapeAdapter } from '../net/shaping.js';
import { inSubnet, parseCidr } from '../net/ipv4.js';
import { assertFreeSpace } from '../storage/free-space.js';
import { containerAddress } from './container-address.js';
import { applyCtSettings } from './ct-settings.js';
import type { Containers } from './containers.js';
import { adaptersOf } from './ct-adapters.js';
import type { ContainerRecord, CtAdapter } from './record.js';

/** berth.json and LXC's config are rewritten whole; both are small. */
const RECORD_BYTES = 64 * 1024;

/** Records keep a link only when it is down: up is what every adapter is without one. */
export function withLink<T extends { link?: 'down' }>(adapter: T, link: LinkState): T {
  const next = { ...adapter };
  if (link === 'down') next.link = 'down';
  else delete next.link;
  return next;
}

/**
 * A container's adapters beside eth0 (eth1-eth3, bridged). A running container gets one live (a
 * veth pair made on the host, its end moved into the container's network namespace, named,
 * addressed and up, as LXC would at a start) and loses one live (the pair deleted); a stopped
 * one at its next start, from LXC's config. The record is the commit point: every agent start
 * writes each container's config from it, and the journal's `ct.nic` replay removes the veth of
 * an adapter the record lacks.
 */
export class CtNics {
  constructor(
    private readonly containers: Containers,
    private readonly networks: Networks,
  ) {}

  list(record: ContainerRecord): InstanceNics {
    return {
      nics: adaptersOf(record).map((a) => ({
        nic: a.index,
        network: a.network,
        mac: a.mac,
        ipv4: a.ipv4,
        link: a.link ?? 'up',
        hostDevice: a.veth,
        hotplug: false,
        ...(a.mode && { mode: a.mode }),
      })),
      liveAdd: false,
      max: MAX_CT_ADAPTERS,
      resolver: {
        gateway: record.gateway,
        dns: record.dns,
        dnsSearch: record.dnsSearch ?? null,
      },
    };
  }

  async add(record: ContainerRecord, req: AddVmNicRequest): Promise<Operation> {
    this.containers.busy.assertIdle(record.id);
    if (req.mac) {
      throw badRequest('a container adapter’s MAC is derived from its id and number', 'mac');
    }
    if (req.model) throw badRequest('a container adapter is a veth: it has no model', 'model');
    const network = this.networks.get(req.network, 'network');
    const adapters = adaptersOf(record);
    if (adapters.length >= MAX_CT_ADAPTERS) {
      throw conflict(`the container has ${MAX_CT_ADAPTERS} adapters, as many as it can have`);
    }
    const same = adapters.find((a) => a.network === req.network);
    if (same) {
      throw conflict(`eth${same.index} is on network ${req.network} already`, 'network');
    }
    const pid = await this.runningPid(record, 'add an adapter');
    const ipv4 = containerAddress(
      req.ipv4,
      network,
      this.networks.addressesInUse(req.network, record.id),
    );
    const index = [...Array(MAX_CT_ADAPTERS).keys()].find(
      (i) => !adapters.some((a) => a.index === i),
    )!;
    const adapter: CtAdapter = { index, network: req.network, ipv4 };
    const next: ContainerRecord = {
      ...record,
      adapters: [...(record.adapters ?? []), adapter].sort((a, b) => a.index - b.index),
    };
    const lxcDir = this.containers.dirOf(record);
    await assertFreeSpace(lxcDir, RECORD_BYTES, 'the container’s record');
    const veth = vethFor(record.id, index);
    return this.containers.busy.start(
      record.id,
      'instance.nic.add',
      async (progress, step): Promise<VmNicChange> => {
        if (pid) {
          progress(20, `making ${veth} on ${network.bridge} and eth${index} inside`);
          await step('ct.nic.plug');
          try {
            await plugContainerVeth(pid, {
              veth,
              name: `eth${index}`,
              mac: macFor(record.id, index),
              ipv4,
              bridge: network.bridge,
            });
            if (record.limits?.network) await shapeAdapter(veth, record.limits.network);
          } catch (err) {
            await unplugContainerVeth(veth);
            throw err;
          }
        }
        await this.commit(next, step);
        return {
          nic: index,
          live: pid !== null,
          note: pid ? null : 'the container has it from its next start',
        };
      },
      { type: 'ct.nic', lxcDir, action: 'add', index, veth },
    );
  }

  async remove(record: ContainerRecord, n: number): Promise<Operation> {
    this.containers.busy.assertIdle(record.id);
    if (n === 0) {
      throw conflict(
        'eth0 carries the container’s default route: move it to another network with PUT …/network instead',
      );
    }
    const adapter = this.adapterOf(record, n);
    const pid = await this.runningPid(record, 'remove an adapter');
    const rest = (record.adapters ?? []).filter((a) => a !== adapter);
    const next: ContainerRecord = { ...record, adapters: rest };
    if (rest.length === 0) delete next.adapters;
    const veth = vethFor(record.id, n);
    return this.containers.busy.start(
      record.id,
      'instance.nic.remove',
      async (_progress, step): Promise<VmNicChange> => {
        await this.commit(next, step);
        if (pid) {
          await step('ct.nic.unplug');
          await unplugContainerVeth(veth);
        }
        // A stopped container's veth went with its stop; an IFB device that shaped it did not.
        if (record.limits?.network?.egressKbps) await dropIfb(veth);
        return { nic: n, live: pid !== null, note: null };
      },
      { type: 'ct.nic', lxcDir: this.containers.dirOf(record), action: 'remove', index: n, veth },
    );
  }

  /**
   * Changes an adapter's MAC, network or address, or the container's gateway, DNS servers and
   * search domain (eth0's). A running container gets them all at once: a move to another
   * network or address puts the veth's host end on that bridge and the new address inside (a
   * host-routed eth0's route and proxy ARP follow its address instead). The record is the
   * commit point; LXC's config is
   * written from it, and the journal's `ct.settings` replay makes the container match whichever
   * record it finds.
   */
  async settings(
    record: ContainerRecord,
    n: number,
    req: SetCtAdapterRequest,
    macHolder: (mac: string) => string | undefined,
  ): Promise<Operation> {
    this.containers.busy.assertIdle(record.id);
    const adapters = adaptersOf(record);
    const view = adapters.find((a) => a.index === n);
    if (!view) throw notFound(`adapter eth${n} of ${record.name}`);
    if (n !== 0) {
      for (const field of ['gateway', 'dns', 'dnsSearch'] as const) {
        if (req[field] !== undefined) {
          throw badRequest(
            `${field} is the container’s: set it on eth0 (…/nics/0/settings)`,
            field,
          );
        }
      }
    }
    const { state, pid } = await this.containers.lxc.info(record.ctid);
    if (state !== 'stopped' && (state !== 'running' || !pid)) {
      throw wrongState(`the container is ${state}: its adapters change when it runs or is stopped`);
    }
    const next: ContainerRecord = { ...record, adapters: record.adapters?.map((a) => ({ ...a })) };
    const own = n === 0 ? next : next.adapters!.find((a) => a.index === n)!;
    const moving = req.network !== undefined || req.ipv4 !== undefined;
    const moves: Array<{ index: number; network: string; bridge: string }> = [];
    if (moving) {
      const target = req.network ?? view.network;
      const other = adapters.find((a) => a.network === target && a.index !== n);
      if (other) throw conflict(`eth${other.index} is on network ${target} already`, 'network');
      if (target === view.network && !req.ipv4) {
        throw conflict(`eth${n} is on network ${target} already`, 'network');
      }
      const network = this.networks.get(target, 'network');
      if (pid) moves.push({ index: n, network: target, bridge: network.bridge });
      own.network = target;
      own.ipv4 = containerAddress(
        req.ipv4,
        network,
        this.networks.addressesInUse(target, record.id),
      );
      if (n === 0 && target !== view.network) {
        next.gateway = parseCidr(network.ipv4).ip;
        // Its IPv6 belonged to the old network; the new one's is given by a create only.
        delete next.ipv6;
        delete next.gateway6;
      }
    }
    if (req.mac !== undefined && req.mac !== view.mac) {
      const mine = adapters.find((a) => a.mac === req.mac && a.index !== n);
      const holder = mine ? `eth${mine.index} of ${record.name}` : macHolder(req.mac);
      // Two adapters with one MAC on a bridge take each other's frames.
      if (holder) throw conflict(`MAC ${req.mac} is taken by ${holder}`, 'mac');
      own.mac = req.mac;
    }
    if (req.gateway !== undefined) {
      if (next.networkMode !== 'routed' && !inSubnet(req.gateway, parseCidr(next.ipv4).subnet)) {
        throw conflict(`gateway ${req.gateway} is outside eth0’s subnet (${next.ipv4})`, 'gateway');
      }
      next.gateway = req.gateway;
    }
    if (req.dns !== undefined) next.dns = req.dns;
    if (req.dnsSearch === null) delete next.dnsSearch;
    else if (req.dnsSearch !== undefined) next.dnsSearch = req.dnsSearch;
    const touched = {
      macs: req.mac !== undefined && req.mac !== view.mac ? [n] : [],
      gateway: next.gateway !== record.gateway,
      resolv: req.dns !== undefined || req.dnsSearch !== undefined,
      moves,
    };
    const lxcDir = this.containers.dirOf(record);
    await assertFreeSpace(lxcDir, RECORD_BYTES, 'the container’s record');
    const image = this.containers.imageOf(record);
    return this.containers.busy.start(
      record.id,
      'instance.nic.settings',
      async (progress, step): Promise<VmNicChange> => {
        await this.commit(next, step, 'ct.settings.record');
        progress(60, pid ? 'applying inside the running container' : 'writing its files');
        await step('ct.settings.apply');
        const now = await applyCtSettings(this.containers.lxc, next, image, touched, (dir) =>
          step('ct.settings.mount', { mountDir: dir }),
        );
        const live = now === 'running';
        const waits = !live && (moving || touched.macs.length > 0 || touched.gateway);
        return { nic: n, live, note: waits ? 'the container has it from its next start' : null };
      },
      {
        type: 'ct.settings',
        lxcDir,
        lxcpath: this.containers.lxc.lxcpath,
        ctid: record.ctid,
        image,
        touched,
      },
    );
  }

  /** The host end is set first, then saved: a kill between leaves the record, which the next start applies. */
  async setLink(record: ContainerRecord, n: number, link: LinkState): Promise<void> {
    const view = adaptersOf(record).find((a) => a.index === n);
    if (!view) throw notFound(`adapter eth${n} of ${record.name}`);
    await this.containers.busy.hold(record.id, 'instance.nic.link', async () => {
      if ((await this.containers.get(record.id)).state === 'running') {
        await setHostLink(view.veth, link);
      }
      await this.containers.saveRecord(
        n === 0
          ? withLink(record, link)
          : {
              ...record,
              adapters: record.adapters!.map((a) => (a.index === n ? withLink(a, link) : a)),
            },
      );
    });
  }

  private adapterOf(record: ContainerRecord, n: number): CtAdapter {
    const adapter = record.adapters?.find((a) => a.index === n);
    if (!adapter) throw notFound(`adapter eth${n} of ${record.name}`);
    return adapter;
  }

  /** The init pid of a running container (whose network namespace a live change enters), null when stopped. */
  private async runningPid(record: ContainerRecord, what: string): Promise<number | null> {
    const { state, pid } = await this.containers.lxc.info(record.ctid);
    if (state === 'stopped') return null;
    if (state !== 'running' || !pid) {
      throw wrongState(`the container is ${state}: ${what} when it runs or is stopped`);
    }
    return pid;
  }

  /**
   * LXC's config first, then the record (the commit point): a kill between the two is undone
   * by the next agent start, which writes every container's config from its record.
   */
  private async commit(next: ContainerRecord, step: Step, name = 'ct.nic.record') {
    await this.containers.writeLxcConfig(next);
    await step(name);
    await this.containers.saveRecord(next);
    await this.networks.refreshNames();
  }
}
