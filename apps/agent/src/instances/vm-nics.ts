import type {
  AddVmNicRequest,
  InstanceNic,
  InstanceNics,
  LinkState,
  Operation,
  SetCtAdapterRequest,
  VmNicChange,
} from '@berth/contracts';
import { MAX_VM_NICS, badRequest, conflict, notFound, wrongState } from '@berth/contracts';
import { nicNumber } from '../drivers/qemu/cmdline.js';
import {
  applyNicLinks,
  plugNic,
  replugNic,
  setNicLink,
  unplugNic,
} from '../drivers/qemu/nic-hotplug.js';
import type { Log } from '../log.js';
import type { Networks } from '../net/networks/networks.js';
import { dropIfb, shapeAdapter } from '../net/shaping.js';
import { ensureTap, removeTap } from '../net/tap.js';
import { assertFreeSpace } from '../storage/free-space.js';
import { containerAddress } from './container-address.js';
import type { Containers } from './containers.js';
import { adaptersOf } from './ct-adapters.js';
import { CtNics, withLink } from './ct-nics.js';
import type { VmRecord } from './vm-record.js';
import { macFor, tapFor, type Vms } from './vms.js';

const LIVE = new Set(['running', 'paused']);
/** vm.json is rewritten whole (temp file, then rename); the journal entry is about as big. */
const RECORD_BYTES = 64 * 1024;
type VmNic = VmRecord['nics'][number];

/**
 * An instance's adapters after its create: NICs added to and removed from a VM (hot-plugged on
 * root ports of their own when it runs), and the link of any adapter up or down (a VM's through
 * QMP set_link, a container's as the host end of its veth), kept in the record for the next start.
 */
export class NicChanges {
  private readonly ct: CtNics;

  constructor(
    private readonly vms: Vms,
    private readonly containers: Containers,
    private readonly networks: Networks,
    private readonly log: Log,
  ) {
    this.ct = new CtNics(containers, networks);
  }

  /**
   * The VM links as recorded, on what runs: a link change the last agent died between saving
   * and applying is finished here. Idempotent. (A container's link is set before it is saved:
   * see setLink.)
   */
  async init(): Promise<void> {
    for (const id of this.vms.ids()) {
      const vm = this.vms.resolve(id);
      if (!vm.nics.some((n) => n.link === 'down') || !LIVE.has(await this.vms.state(vm))) continue;
      try {
        await applyNicLinks(await this.vms.qemu.qmp(this.vms.target(vm)), vm.nics);
      } catch (err) {
        this.log.warn({ vm: id, err: (err as Error).message }, 'NIC links not reapplied');
      }
    }
  }

  async list(id: string): Promise<InstanceNics> {
    if (!this.vms.has(id)) return this.ct.list(this.containers.resolve(id));
    const vm = this.vms.resolve(id);
    return {
      nics: vm.nics.map((n) => this.describe(vm, n)),
      liveAdd: vm.nicPorts === true,
      max: MAX_VM_NICS,
    };
  }

  private describe(vm: VmRecord, n: VmNic): InstanceNic {
    return {
      nic: nicNumber(n.tap),
      network: n.network,
      mac: n.mac,
      ipv4: n.ipv4 ?? null,
      link: n.link ?? 'up',
      hostDevice: n.tap,
      hotplug: vm.nicPorts === true,
      model: n.model ?? 'virtio',
    };
  }

  async add(id: string, req: AddVmNicRequest): Promise<Operation> {
    if (!this.vms.has(id)) return this.ct.add(this.containers.resolve(id), req);
    const vm = this.vms.resolve(id);
    this.vms.busy.assertIdle(vm.id);
    const network = this.networks.get(req.network, 'network');
    if (vm.nics.length >= MAX_VM_NICS) {
      throw conflict(`the VM has ${MAX_VM_NICS} NICs, as many as it can have`);
    }
    const state = await this.assertChangeable(vm);
    const live = LIVE.has(state);
    if (live && !vm.nicPorts) {
      throw wrongState(
        'this VM was created before NIC hot-plug and has no free PCIe port for a NIC: stop it to add one (it gets it at its next start)',
      );
    }
    const ipv4 = req.ipv4
      ? containerAddress(req.ipv4, network, [
          ...this.networks.addressesInUse(req.network, vm.id),
          ...vm.nics.filter((n) => n.ipv4).map((n) => n.ipv4!.split('/')[0]!),
        ])
      : undefined;
    const n = [...Array(MAX_VM_NICS).keys()].find(
      (i) => !vm.nics.some((x) => nicNumber(x.tap) === i),
    )!;
    const mac = req.mac ?? macFor(vm.id, n);
    // Two adapters with one MAC on a bridge take each other's frames.
    const holder = this.macHolder(mac, vm.id);
    if (holder) throw conflict(`MAC ${mac} is taken by ${holder}`, 'mac');
    const nic: VmNic = {
      network: req.network,
      mac,
      tap: tapFor(vm.id, n),
      ...(ipv4 && { ipv4 }),
      ...(req.model === 'e1000' && { model: 'e1000' as const }),
    };
    const dir = this.vms.target(vm).dir;
    await assertFreeSpace(dir, RECORD_BYTES, 'the VM’s record');
    return this.vms.busy.start(
      vm.id,
      'instance.nic.add',
      async (progress, step): Promise<VmNicChange> => {
        if (live) {
          progress(20, `making ${nic.tap} on ${network.bridge}`);
          await step('vm.nic.tap');
          await ensureTap(nic.tap, network.bridge);
          if (vm.limits?.network) await shapeAdapter(nic.tap, vm.limits.network);
          progress(50, 'plugging it into the running VM');
          await step('vm.nic.attach');
          try {
            await plugNic(await this.vms.qemu.qmp(this.vms.target(vm)), nic);
          } catch (err) {
            await this.dropTap(vm, nic.tap);
            throw err;
          }
        }
        await step('vm.nic.record');
        // The commit point: from here the VM has the NIC (its firewall port and lease follow).
        await this.vms.save(vm, { nics: [...vm.nics, nic] });
        await this.published(vm, [nic.network]);
        return { nic: n, live, note: live ? null : 'the VM has it from its next start' };
      },
      { type: 'vm.nic', vmId: vm.id, dir, action: 'add', nic },
    );
  }

  async remove(id: string, n: number): Promise<Operation> {
    if (!this.vms.has(id)) return this.ct.remove(this.containers.resolve(id), n);
    const vm = this.vms.resolve(id);
    this.vms.busy.assertIdle(vm.id);
    const nic = this.nicOf(vm, n);
    const state = await this.assertChangeable(vm);
    const live = LIVE.has(state);
    if (state === 'paused') {
      throw wrongState(
        'the VM is paused, so its guest cannot release the NIC: resume it or stop it',
      );
    }
    if (live && !vm.nicPorts) {
      throw wrongState(
        'this VM was created before NIC hot-plug: its NICs sit on the root bus, which takes no hot-unplug; stop it to remove one',
      );
    }
    const dir = this.vms.target(vm).dir;
    return this.vms.busy.start(
      vm.id,
      'instance.nic.remove',
      async (progress, step): Promise<VmNicChange> => {
        if (live) {
          progress(10, 'asking the guest to release it');
          await step('vm.nic.detach');
          await unplugNic(await this.vms.qemu.qmp(this.vms.target(vm)), n);
        }
        await step('vm.nic.record');
        // The commit point: the NIC is gone from the record, its tap and lease follow.
        await this.vms.save(vm, { nics: vm.nics.filter((x) => x !== nic) });
        await step('vm.nic.tap');
        await this.dropTap(vm, nic.tap);
        await this.published(vm, [nic.network]);
        return { nic: n, live, note: null };
      },
      { type: 'vm.nic', vmId: vm.id, dir, action: 'remove', nic },
    );
  }

  /** An adapter's MAC, network and address; a container's gateway and resolver too. */
  async settings(id: string, n: number, req: SetCtAdapterRequest): Promise<Operation> {
    if (this.vms.has(id)) return this.vmSettings(this.vms.resolve(id), n, req);
    const record = this.containers.resolve(id);
    return this.ct.settings(record, n, req, (mac) => this.macHolder(mac, record.id));
  }

  /**
   * A VM NIC's MAC, network and static lease. A running VM's NIC moves network live, its tap
   * joining the other bridge; the guest takes an address there at its next DHCP request. QEMU
   * cannot change the MAC of a plugged NIC, so a running VM's NIC is unplugged (the guest lets it
   * go) and plugged again with the new one, as Proxmox does: the guest sees a new NIC. The
   * record is the commit point; the replay of the journal's intent puts a running VM's tap where
   * the record says and plugs the NIC the record holds when it is out.
   */
  private async vmSettings(vm: VmRecord, n: number, req: SetCtAdapterRequest): Promise<Operation> {
    for (const field of ['gateway', 'dns', 'dnsSearch'] as const) {
      if (req[field] !== undefined) {
        throw badRequest(
          `${field} is a container’s: a VM’s guest takes its gateway and resolver from DHCP`,
          field,
        );
      }
    }
    this.vms.busy.assertIdle(vm.id);
    const nic = this.nicOf(vm, n);
    const state = await this.assertChangeable(vm);
    const live = LIVE.has(state);
    const target = req.network ?? nic.network;
    const network = this.networks.get(target, 'network');
    const moving = target !== nic.network;
    const next: VmNic = { ...nic, network: target };
    if (moving) delete next.ipv4;
    if (req.ipv4) {
      next.ipv4 = containerAddress(req.ipv4, network, [
        ...this.networks.addressesInUse(target, vm.id),
        ...vm.nics.filter((x) => x !== nic && x.ipv4).map((x) => x.ipv4!.split('/')[0]!),
      ]);
    }
    const replug = live && req.mac !== undefined && req.mac !== nic.mac;
    if (req.mac !== undefined && req.mac !== nic.mac) {
      if (replug && state === 'paused') {
        throw wrongState(
          'the VM is paused, so its guest cannot let the NIC go to take the new MAC: resume it or stop it',
        );
      }
      if (replug && !vm.nicPorts) {
        throw wrongState(
          'this VM was created before NIC hot-plug: its NIC cannot be plugged again with a new MAC; stop it to change the MAC',
        );
      }
      const holder = this.macHolder(req.mac, vm.id);
      if (holder) throw conflict(`MAC ${req.mac} is taken by ${holder}`, 'mac');
      next.mac = req.mac;
    }
    if (JSON.stringify(next) === JSON.stringify(nic)) {
      throw conflict(`NIC ${n} has these settings already`);
    }
    const dir = this.vms.target(vm).dir;
    await assertFreeSpace(dir, RECORD_BYTES, 'the VM’s record');
    return this.vms.busy.start(
      vm.id,
      'instance.nic.settings',
      async (progress, step): Promise<VmNicChange> => {
        const qmp = () => this.vms.qemu.qmp(this.vms.target(vm));
        if (replug) {
          progress(10, 'asking the guest to let the NIC go, to plug it again with its new MAC');
          await step('vm.nic.detach');
          await unplugNic(await qmp(), n);
        }
        await step('vm.nic.record');
        await this.vms.save(vm, { nics: vm.nics.map((x) => (x === nic ? next : x)) });
        if (live && moving) {
          progress(50, `moving ${nic.tap} to ${network.bridge}`);
          await step('vm.nic.move');
          await ensureTap(nic.tap, network.bridge);
        }
        if (replug) {
          progress(70, `plugging it in again with MAC ${next.mac}`);
          await step('vm.nic.attach');
          await replugNic(await qmp(), next);
        }
        await this.published(vm, [...new Set([nic.network, target])]);
        const notes = [
          ...(replug
            ? [
                `the guest sees a new NIC with MAC ${next.mac} and takes an address on it as on any NIC plugged in`,
              ]
            : []),
          ...(live && moving
            ? [
                `the guest keeps its address on ${nic.network} until it asks DHCP again; until then spoofing protection drops what it sends from that address`,
              ]
            : []),
        ];
        return {
          nic: n,
          live,
          note: !live ? 'the VM has it from its next start' : notes.join('; ') || null,
        };
      },
      { type: 'vm.nic', vmId: vm.id, dir, action: 'settings', nic: next, bridge: network.bridge },
    );
  }

  /** The name of another instance with an adapter that has `mac`: a VM's NIC or a container's. */
  private macHolder(mac: string, exceptId: string): string | undefined {
    const vm = this.vms
      .ids()
      .map((other) => this.vms.resolve(other))
      .find((vm) => vm.nics.some((x) => x.mac === mac));
    if (vm) return vm.name;
    return this.containers
      .records()
      .find((r) => r.id !== exceptId && adaptersOf(r).some((a) => a.mac === mac))?.name;
  }

  /**
   * A VM's link is saved first, then applied: a kill in between is finished by init. A
   * container's veth is set first, then saved (a kill in between leaves the veth as asked and
   * the record as it was, which its next start applies): finding the containers whose record
   * says down at every agent start would cost an lxc-info each.
   */
  async setLink(id: string, n: number, link: LinkState): Promise<InstanceNics> {
    if (!this.vms.has(id)) {
      const record = this.containers.resolve(id);
      await this.ct.setLink(record, n, link);
      return this.list(record.id);
    }
    const vm = this.vms.resolve(id);
    const nic = this.nicOf(vm, n);
    await this.vms.busy.hold(vm.id, 'instance.nic.link', async () => {
      await this.vms.save(vm, { nics: vm.nics.map((x) => (x === nic ? withLink(x, link) : x)) });
      if (LIVE.has(await this.vms.state(vm))) {
        await setNicLink(await this.vms.qemu.qmp(this.vms.target(vm)), n, link === 'up');
      }
    });
    this.vms.states.updated(await this.vms.get(vm.id));
    return this.list(vm.id);
  }

  private nicOf(vm: VmRecord, n: number): VmNic {
    const nic = vm.nics.find((x) => nicNumber(x.tap) === n);
    if (!nic) throw notFound(`NIC ${n} of VM ${vm.name}`);
    return nic;
  }

  /** A suspended VM's saved machine state holds its devices as they were: they stay so until it resumes. */
  private async assertChangeable(vm: VmRecord) {
    const state = await this.vms.state(vm);
    if (state === 'suspended') throw wrongState('the VM is suspended: resume it first');
    if (state !== 'stopped' && !LIVE.has(state)) {
      throw wrongState(`the VM is ${state}: its NICs change when it is running, paused or stopped`);
    }
    return state;
  }

  private async dropTap(vm: VmRecord, tap: string): Promise<void> {
    await removeTap(tap);
    // The IFB device that shaped what the tap sent outlives it.
    if (vm.limits?.network?.egressKbps) await dropIfb(tap);
  }

  /** The network's leases follow the records, and the firewall's ports follow the instance.updated event. */
  private async published(vm: VmRecord, networks: string[]): Promise<void> {
    await this.networks.refreshStaticLeases(networks);
    this.vms.states.updated(await this.vms.get(vm.id));
  }
}
