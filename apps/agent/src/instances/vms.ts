import { createHash, randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import os, { totalmem } from 'node:os';
import path from 'node:path';
import type {
  ActionOptions,
  CreateVm,
  ExecRequest,
  ExecResult,
  Instance,
  InstanceAction,
  InstanceState,
  InstanceVerb,
  Limits,
  Operation,
  Progress,
  SetInstanceNetwork,
  UpdateInstance,
} from '@berth/contracts';
import {
  badRequest,
  conflict,
  notFound,
  whyNot,
  wrongState,
  AppError,
  ErrorCode,
  mergeLimits,
} from '@berth/contracts';
import type { AgentConfig } from '../config.js';
import { driveOf } from '../drivers/qemu/cmdline.js';
import type { Accelerator } from '../drivers/qemu/accel.js';
import { Qemu, type QemuVm } from '../drivers/qemu/qemu.js';
import type { QmpEvent } from '../drivers/qemu/qmp.js';
import type { EventBus } from '../events.js';
import { detectCgroup } from '../limits/cgroup.js';
import { allCpus, cgroupSettings } from '../limits/keys.js';
import { assertValidLimits } from '../limits/limits.js';
import { placeProcess, removeProcessCgroup, writeSettings } from '../limits/process-cgroup.js';
import { limitsDiffer, readCgroupLimits } from '../limits/read.js';
import type { Log } from '../log.js';
import { dropIfb, readShaping, shapeAdapter } from '../net/shaping.js';
import { ensureTap, removeTap } from '../net/tap.js';
import type { Attached, Networks, StaticLease } from '../net/networks/networks.js';
import { containerAddress } from './container-address.js';
import type { Operations } from '../operations.js';
import { assertFreeSpace, explainNoSpace } from '../storage/free-space.js';
import type { IsoStore } from '../storage/isos.js';
import { virtualSize } from '../storage/qcow2.js';
import type { VmTemplates } from '../templates/vm-templates.js';
import { BusyGuard } from './busy.js';
import { GuestInfo } from './guest-info.js';
import { RecordStore } from './record-store.js';
import { StateNotes } from './state-notes.js';
import { prepareDisks } from './vm-disks.js';
import { assertAhciRoom } from './vm-cdroms.js';
import { SUSPEND_SNAPSHOT, pendingChanges, startSettings, type VmRecord } from './vm-record.js';
import { ensureEfiVars } from '../drivers/qemu/ovmf.js';
import { applyNicLinks } from '../drivers/qemu/nic-hotplug.js';

const MiB = 1024 * 1024;

/** The cgroup of a VM's QEMU, named for the VM. */
const cgroupName = (vm: { id: string }) => `vm-${vm.id}`;

/** Limits as kept: vCPUs and memory live in vcpus and memoryMiB, once. */
const kept = (limits: Limits): Limits => {
  const out = { ...limits, cpu: { ...limits.cpu }, memory: { ...limits.memory } };
  delete out.cpu.count;
  delete out.memory.limitMiB;
  if (!Object.keys(out.cpu).length) delete (out as Limits).cpu;
  if (!Object.keys(out.memory).length) delete (out as Limits).memory;
  return out;
};

/** The configured limits, vCPUs and memory included. */
const limitsOf = (vm: VmRecord): Limits => {
  const l = vm.limits ?? {};
  return {
    ...l,
    cpu: { ...l.cpu, count: vm.vcpus },
    memory: { ...l.memory, limitMiB: vm.memoryMiB },
  };
};

/** Only the fields a QEMU process's cgroup enforces: CPU share, cap and affinity, I/O weight. */
const cgroupPart = (limits: Limits): Limits => ({
  cpu: { weight: limits.cpu?.weight, cap: limits.cpu?.cap, affinity: limits.cpu?.affinity },
  disk: { weight: limits.disk?.weight },
});
const PROCESS_CONTROLLERS = ['cpu', 'cpuset', 'blkio', 'io'];

/** What can be read back of a VM: from QMP, and from its QEMU's cgroup. */
const VM_READABLE = new Set([
  'cpu.count',
  'cpu.weight',
  'cpu.cap',
  'cpu.affinity',
  'memory.limitMiB',
  'memory.minMiB',
  'disk.readBps',
  'disk.writeBps',
  'disk.readIops',
  'disk.writeIops',
]);

/** A NIC's MAC, derived from the VM's id: a clone (another id) gets its own. */
export function macFor(id: string, index: number): string {
  const bytes = createHash('sha256').update(`${id}/${index}`).digest().subarray(0, 5);
  return ['52', ...[...bytes].map((b) => b.toString(16).padStart(2, '0'))].join(':');
}

/** A NIC's tap device: at most 15 characters, unique per VM and NIC. */
export const tapFor = (id: string, index: number) => `vt${id.slice(0, 8)}${index}`;

/** Where a running VM's screen and serial port are, and which VM that is (an id may be its name). */
export interface ConsoleSockets {
  vmId: string;
  vnc: string;
  serial: string;
  serialLog: string;
}

/** VMs: records, rules and taps here; QEMU itself is the driver's. The agent re-attaches after a restart. */
export class Vms {
  private readonly store: RecordStore<VmRecord>;
  readonly qemu: Qemu;
  private readonly guests = new GuestInfo();
  readonly busy: BusyGuard;
  readonly states: StateNotes;
  /** Names of VMs being made (clones) whose record is not saved yet: taken all the same. */
  readonly pendingNames = new Set<string>();

  constructor(
    private readonly config: AgentConfig,
    private readonly accel: Accelerator,
    private readonly templates: VmTemplates,
    private readonly isos: IsoStore,
    private readonly networks: Networks,
    ops: Operations,
    events: EventBus,
    private readonly log: Log,
  ) {
    this.busy = new BusyGuard(ops);
    this.states = new StateNotes(events);
    this.store = new RecordStore({
      root: path.join(config.dataDir, 'vms'),
      file: 'vm.json',
      dirName: (vm) => vm.id,
    });
    this.qemu = new Qemu((id, event) => this.onQmpEvent(id, event));
  }

  async init(): Promise<void> {
    const records = await this.store.load();
    for (const vm of records) {
      const state = await this.state(vm);
      this.states.set(vm.id, state);
      if (state === 'stopped' || state === 'suspended') {
        await this.releaseTaps(vm);
      } else {
        // The record is what the limits should be: a change the last agent died in the middle
        // of is put right here. Idempotent.
        await this.applyLimits(vm, limitsOf(vm), true).catch((err: Error) =>
          this.log.warn({ vm: vm.id, err: err.message }, 'limits not reapplied'),
        );
      }
    }
    this.log.info({ count: records.length }, 'rediscovered VMs');
  }

  close(): void {
    this.qemu.close();
  }

  /** Whether any VM's QEMU runs: from pidfiles and /proc, no QMP round trip. */
  async anyRunning(): Promise<boolean> {
    const pids = await Promise.all(this.store.all().map((vm) => this.qemu.pid(this.target(vm))));
    return pids.some((pid) => pid !== null);
  }

  has(id: string): boolean {
    return this.store.has(id);
  }

  names(): string[] {
    return [...this.store.all().map((r) => r.name), ...this.pendingNames];
  }

  inUseIsos(): string[] {
    return this.store
      .all()
      .flatMap((r) => [r.cdrom, ...(r.cdroms ?? []).map((d) => d.iso)])
      .filter((iso): iso is string => !!iso);
  }

  async list(): Promise<Instance[]> {
    return Promise.all(this.store.all().map((r) => this.toInstance(r)));
  }

  ids(): string[] {
    return this.store.all().map((r) => r.id);
  }

  async get(id: string): Promise<Instance> {
    return this.toInstance(this.resolve(id));
  }

  resolve(id: string): VmRecord {
    const vm = this.store.get(id);
    if (!vm) throw notFound(`instance ${id}`);
    return vm;
  }

  target(vm: VmRecord): QemuVm {
    return { id: vm.id, dir: this.store.dirOf(vm) };
  }

  async create(input: CreateVm, nameTaken: (name: string) => boolean): Promise<Operation> {
    if (nameTaken(input.name))
      throw conflict(`an instance named ${input.name} exists already`, 'name');
    for (const nic of input.nics) this.networks.get(nic.network, 'nics');
    if (input.limits) {
      await assertValidLimits(
        {
          ...input.limits,
          cpu: { count: input.vcpus, ...input.limits.cpu },
          memory: { limitMiB: input.memoryMiB, ...input.limits.memory },
        },
        'vm',
      );
    }
    const vcpus = input.limits?.cpu?.count ?? input.vcpus;
    const memoryMiB = input.limits?.memory?.limitMiB ?? input.memoryMiB;
    const hostMiB = Math.floor(totalmem() / MiB);
    if (memoryMiB > hostMiB) {
      throw badRequest(
        `memoryMiB ${input.memoryMiB} is more than this host has (${hostMiB} MiB)`,
        'memoryMiB',
      );
    }
    if (input.cdrom && !(await this.isos.has(input.cdrom))) {
      throw badRequest(`there is no ISO named ${input.cdrom} in the ISO store`, 'cdrom');
    }
    for (const d of input.disks) {
      if ('template' in d && !(await this.templates.exists(d.template))) {
        throw badRequest(`there is no VM template ${d.template}`, 'disks');
      }
    }
    if (input.boot.includes('disk') && input.disks.length === 0 && !input.boot.includes('cdrom')) {
      throw badRequest('the VM boots from disk but has no disk', 'disks');
    }
    const id = randomUUID();
    const record: VmRecord = {
      id,
      name: input.name,
      vcpus,
      memoryMiB,
      disks: input.disks.map((d, i) => ({
        file: `disk${i}.qcow2`,
        template: 'template' in d ? d.template : null,
        ...(d.bus && { bus: d.bus }),
        ...(d.cache && { cache: d.cache }),
      })),
      cdrom: input.cdrom,
      boot: input.boot,
      nics: input.nics.map((n, i) => ({
        network: n.network,
        mac: macFor(id, i),
        tap: tapFor(id, i),
        ...(n.model === 'e1000' && { model: 'e1000' as const }),
      })),
      nicPorts: true,
      onboot: input.onboot,
      description: input.description,
      tags: input.tags,
      createdAt: new Date().toISOString(),
      suspended: false,
      ...(input.limits && { limits: kept(input.limits) }),
    };
    assertAhciRoom(record.disks, [], 'a sata or ide disk');
    const dir = this.store.dirOf(record);
    return this.busy.start(
      id,
      'instance.create',
      async (progress, step) => {
        try {
          await step('vm.create.disks');
          await prepareDisks(dir, input.disks, this.templates, progress);
          await step('vm.create.record');
          // Saving the record is the commit point: before it, nothing of this VM is visible.
          await this.store.save(record);
        } catch (err) {
          await rm(dir, { recursive: true, force: true });
          throw await explainNoSpace(err, dir);
        }
        const instance = await this.toInstance(record);
        this.states.updated(instance);
        return instance;
      },
      { type: 'vm.create', vmId: id, dir },
    );
  }

  async precheck(id: string, action: InstanceAction | 'delete', force = false): Promise<void> {
    const vm = this.resolve(id);
    this.busy.assertIdle(vm.id);
    if (!(action === 'delete' && force)) await this.assertCan(vm, action);
  }

  action(id: string, action: InstanceAction, opts: ActionOptions): Operation {
    const vm = this.resolve(id);
    const t = this.target(vm);
    return this.busy.start(vm.id, `instance.${action}`, async (progress) => {
      await this.assertCan(vm, action);
      switch (action) {
        case 'start':
        case 'resume':
          progress(10, action === 'resume' ? 'restoring the saved state' : 'starting QEMU');
          await this.boot(vm);
          break;
        case 'stop':
          await this.shutdown(vm, opts, progress);
          break;
        case 'restart':
          await this.shutdown(vm, opts, progress);
          progress(60, 'starting QEMU');
          await this.boot(vm);
          break;
        case 'reset':
          await this.qemu.reset(t);
          break;
        case 'pause':
          await this.qemu.pause(t);
          break;
        case 'unpause':
          await this.qemu.unpause(t);
          break;
        case 'suspend':
          await this.suspendToDisk(vm, progress);
          break;
      }
      const instance = await this.toInstance(vm);
      this.states.note(vm.id, instance.state);
      return instance;
    });
  }

  async update(id: string, patch: UpdateInstance): Promise<Instance> {
    const vm = this.resolve(id);
    if (patch.diskSizeMiB !== undefined)
      throw badRequest('diskSizeMiB is for containers; VM disks are resized per disk');
    if (patch.shell !== undefined)
      throw badRequest(
        'shell settings are for containers; a VM has its screen and serial console',
        'shell',
      );
    this.busy.assertIdle(vm.id);
    // Checked before anything changes: a refusal leaves the VM's config as it was.
    let limits: Limits | undefined;
    if (patch.limits) {
      limits = mergeLimits(limitsOf(vm), patch.limits);
      await assertValidLimits(limits, 'vm');
    }
    if (patch.cdrom !== undefined) await this.changeCdrom(vm, patch.cdrom);
    if (limits) await this.changeLimits(vm, limits);
    await this.save(vm, {
      description: patch.description ?? vm.description,
      tags: patch.tags ?? vm.tags,
      onboot: patch.onboot ?? vm.onboot,
      cdrom: patch.cdrom === undefined ? vm.cdrom : patch.cdrom,
      ...(limits && {
        limits: kept(limits),
        vcpus: limits.cpu?.count ?? vm.vcpus,
        memoryMiB: limits.memory?.limitMiB ?? vm.memoryMiB,
      }),
    });
    const instance = await this.toInstance(vm);
    this.states.updated(instance);
    return instance;
  }

  async exec(id: string, req: ExecRequest): Promise<ExecResult> {
    const vm = this.resolve(id);
    await this.assertCan(vm, 'exec');
    const agent = this.qemu.guestAgent(this.target(vm));
    if (!(await agent.ping(3000))) {
      throw new AppError(
        ErrorCode.guestAgentUnavailable,
        'the guest agent is not answering: is qemu-guest-agent installed and running in the guest?',
      );
    }
    return agent.exec(req.command, { timeoutMs: req.timeoutSeconds * 1000, input: req.stdin });
  }

  /** The VNC and serial sockets of a VM whose QEMU is up (running or paused). */
  async consoleSockets(id: string): Promise<ConsoleSockets> {
    const vm = this.resolve(id);
    await this.assertCan(vm, 'console');
    const { vnc, serial, serialLog } = this.qemu.paths(this.target(vm));
    return { vmId: vm.id, vnc, serial, serialLog };
  }

  async screenshot(id: string): Promise<Buffer> {
    const vm = this.resolve(id);
    await this.assertCan(vm, 'screenshot');
    return this.qemu.screendump(this.target(vm));
  }

  delete(id: string, force: boolean): Operation {
    const vm = this.resolve(id);
    const intent = {
      type: 'vm.delete' as const,
      vmId: vm.id,
      dir: this.store.dirOf(vm),
      taps: vm.nics.map((n) => n.tap),
    };
    return this.busy.start(
      vm.id,
      'instance.delete',
      async (progress) => {
        const state = await this.state(vm);
        const reason = whyNot('vm', 'delete', state);
        if (reason) {
          if (!force) throw wrongState(reason);
          progress(10, 'powering off');
          await this.powerOff(vm);
        }
        progress(50, 'removing disks');
        await this.releaseTaps(vm);
        this.qemu.forget(this.target(vm));
        await this.store.remove(vm);
        this.states.deleted(vm.id);
        return { id: vm.id };
      },
      intent,
    );
  }

  private async assertCan(vm: VmRecord, verb: InstanceVerb): Promise<void> {
    const reason = whyNot('vm', verb, await this.state(vm));
    if (reason) throw wrongState(reason);
  }

  /** Starts QEMU; `restore` names a snapshot whose machine state the VM resumes from. */
  async boot(vm: VmRecord, restore: string | null = null): Promise<void> {
    for (const iso of [vm.cdrom, ...(vm.cdroms ?? []).map((d) => d.iso)]) {
      if (iso && !(await this.isos.has(iso))) {
        throw badRequest(`the VM's ISO ${iso} is no longer in the ISO store; eject it first`);
      }
    }
    for (const nic of vm.nics) await ensureTap(nic.tap, this.networks.get(nic.network).bridge);
    try {
      // KVM is trusted only once a kernel has booted under it on this host.
      const accel = await this.accel.settle(await this.templates.kernel('tiny-linux'));
      const settings = startSettings(vm);
      if (settings.firmware === 'uefi') await ensureEfiVars(this.target(vm).dir);
      await this.qemu.launch(
        this.target(vm),
        { ...vm, ...settings, restore: vm.suspended ? SUSPEND_SNAPSHOT : restore },
        { accel, isoDir: this.isos.dir },
      );
      await this.save(vm, { started: settings });
    } catch (err) {
      await this.releaseTaps(vm);
      throw err;
    }
    await this.applyLimits(vm, limitsOf(vm), true);
    await applyNicLinks(await this.qemu.qmp(this.target(vm)), vm.nics);
    if (vm.suspended) {
      // The state is back in memory: drop the snapshot so the disk does not keep growing.
      await this.qemu.deleteSnapshot(this.target(vm), SUSPEND_SNAPSHOT);
      await this.save(vm, { suspended: false });
    }
  }

  private async shutdown(vm: VmRecord, opts: ActionOptions, progress: Progress): Promise<void> {
    if (opts.force) {
      progress(10, 'powering off');
      return this.powerOff(vm);
    }
    progress(10, `ACPI shutdown (powered off after ${opts.timeoutSeconds}s)`);
    if (await this.qemu.powerdown(this.target(vm), opts.timeoutSeconds * 1000)) {
      return this.releaseTaps(vm);
    }
    progress(80, 'the guest did not shut down in time: powering off');
    await this.powerOff(vm);
  }

  async powerOff(vm: VmRecord): Promise<void> {
    await this.qemu.powerOff(this.target(vm));
    await this.releaseTaps(vm);
  }

  private async suspendToDisk(vm: VmRecord, progress: Progress): Promise<void> {
    // The snapshot lands in the VM's first disk: up to the whole of its memory.
    await assertFreeSpace(this.store.dirOf(vm), vm.memoryMiB * MiB, 'saving the VM’s memory');
    progress(10, 'saving memory and device state to disk');
    await this.qemu.saveSnapshot(this.target(vm), SUSPEND_SNAPSHOT);
    // Recorded before QEMU quits: if the agent dies in between, the next start still restores.
    await this.save(vm, { suspended: true });
    progress(80, 'stopping QEMU');
    await this.powerOff(vm);
  }

  private async changeCdrom(vm: VmRecord, iso: string | null): Promise<void> {
    if (iso && !(await this.isos.has(iso)))
      throw badRequest(`there is no ISO named ${iso} in the ISO store`, 'cdrom');
    const state = await this.state(vm);
    if (state !== 'running' && state !== 'paused') return;
    await this.qemu.changeMedium(this.target(vm), iso ? this.isos.path(iso) : null);
  }

  private onQmpEvent(id: string, event: QmpEvent): void {
    const vm = this.store.get(id);
    if (!vm) return;
    if (['STOP', 'RESUME', 'SHUTDOWN', 'RESET'].includes(event.event)) {
      void this.state(vm)
        .then((s) => this.states.note(id, s))
        .catch((err: Error) => this.log.warn({ vm: id, err: err.message }, 'state unknown'));
    }
    if (event.event === 'SHUTDOWN') {
      // A guest that powers itself off: QEMU exits; tidy its taps once it has.
      void this.qemu
        .waitExit(this.target(vm), 15_000)
        .then(async (gone) => {
          if (!gone) return;
          await this.releaseTaps(vm);
          this.states.note(id, await this.state(vm));
        })
        .catch((err: Error) =>
          this.log.warn({ vm: id, err: err.message }, 'tidying after a guest power-off failed'),
        );
    }
  }

  /** The VMs with a NIC on a network, with those NICs' taps and static lease. */
  onNetwork(network: string): Attached[] {
    return this.store.all().flatMap((vm) => {
      const nics = vm.nics.filter((n) => n.network === network);
      const ipv4 = nics.find((n) => n.ipv4)?.ipv4 ?? null;
      return nics.length
        ? [{ id: vm.id, name: vm.name, kind: 'vm' as const, ipv4, ports: nics.map((n) => n.tap) }]
        : [];
    });
  }

  /** The static leases on a network, for its DHCP server's hosts file. */
  staticLeases(network: string): StaticLease[] {
    return this.store
      .all()
      .flatMap((vm) => vm.nics)
      .filter((n) => n.network === network && n.ipv4)
      .map((n) => ({ mac: n.mac, ip: n.ipv4!.split('/')[0]! }));
  }

  /**
   * Moves a stopped VM's first NIC to another network (its tap joins that bridge at boot), and
   * sets or clears its static lease: an address outside the DHCP range that the network's
   * dnsmasq hands to this MAC only. A lease on the same network changes while the VM runs; the
   * guest takes it at its next DHCP request.
   */
  async setNetwork(id: string, req: SetInstanceNetwork): Promise<Instance> {
    const vm = this.resolve(id);
    return this.busy.hold(vm.id, 'instance.configure', async () => {
      const [first, ...rest] = vm.nics;
      if (!first) throw wrongState('the VM has no network adapter');
      const moving = first.network !== req.network;
      if (moving && (await this.state(vm)) !== 'stopped') {
        throw wrongState('stop the VM before moving it to another network');
      }
      if (!moving && !req.ipv4 && !first.ipv4) {
        throw conflict(`${vm.name} is on network ${req.network} already`, 'network');
      }
      const network = this.networks.get(req.network);
      const ipv4 = req.ipv4
        ? containerAddress(req.ipv4, network, this.networks.addressesInUse(req.network, vm.id))
        : undefined;
      vm.nics = [{ network: req.network, mac: first.mac, tap: first.tap, ipv4 }, ...rest];
      await this.store.save(vm);
      await this.networks.refreshStaticLeases([...new Set([first.network, req.network])]);
      const instance = await this.toInstance(vm);
      this.states.updated(instance);
      return instance;
    });
  }

  async state(vm: VmRecord): Promise<InstanceState> {
    const state = await this.qemu.state(this.target(vm));
    return state === 'stopped' && vm.suspended ? 'suspended' : state;
  }

  private async releaseTaps(vm: VmRecord): Promise<void> {
    for (const nic of vm.nics) {
      await removeTap(nic.tap);
      // The IFB device that shaped what the tap sent outlives it.
      if (vm.limits?.network?.egressKbps) await dropIfb(nic.tap);
    }
    // Its QEMU is gone with its taps: so may its cgroup be.
    if (!(await this.qemu.pid(this.target(vm)))) {
      await removeProcessCgroup(cgroupName(vm), await detectCgroup());
    }
  }

  /**
   * Live limits of a running VM: the balloon, each disk's throttle and its QEMU's cgroup
   * (vCPUs and memory wait for the next start). A refusal puts the old ones back.
   */
  private async changeLimits(vm: VmRecord, limits: Limits): Promise<void> {
    const state = await this.state(vm);
    if (state !== 'running' && state !== 'paused') return;
    await this.busy.hold(vm.id, 'instance.limits', async () => {
      try {
        await this.applyLimits(vm, limits, false);
      } catch (err) {
        await this.applyLimits(vm, limitsOf(vm), false).catch(() => undefined);
        throw conflict(
          `QEMU or the kernel refused the new limits: ${(err as Error).message}`,
          'limits',
        );
      }
    });
  }

  /** Writes the live part of `limits` into QEMU and its cgroup; `place` first moves QEMU there. */
  private async applyLimits(vm: VmRecord, limits: Limits, place: boolean): Promise<void> {
    const t = this.target(vm);
    const cgroup = await detectCgroup();
    const settings = cgroupSettings(
      cgroupPart(limits),
      { cgroup, hostCpus: os.cpus().length, devices: [] },
      true,
    ).filter((s) => PROCESS_CONTROLLERS.includes(s.controller));
    const pid = await this.qemu.pid(t);
    if (!pid) return;
    if (place) await placeProcess(cgroupName(vm), pid, settings, cgroup);
    else await writeSettings(cgroupName(vm), settings, cgroup);
    // At boot the balloon is already full size; a live change may be giving memory back.
    const minMiB = limits.memory?.minMiB;
    if (minMiB !== undefined || !place) {
      await this.qemu.balloon(t, Math.min(minMiB ?? vm.memoryMiB, vm.memoryMiB));
    }
    const d = limits.disk ?? {};
    const throttled = [d.readBps, d.writeBps, d.readIops, d.writeIops].some((n) => n !== undefined);
    // At boot the disks start unthrottled; a live change may be lifting a throttle.
    for (const disk of throttled || !place ? vm.disks : []) {
      await this.qemu.throttle(t, driveOf(disk.file), {
        readBps: d.readBps ?? 0,
        writeBps: d.writeBps ?? 0,
        readIops: d.readIops ?? 0,
        writeIops: d.writeIops ?? 0,
      });
    }
    // Each adapter's tap gets the rate limits, as a container's veth does; at boot they are new.
    for (const nic of limits.network || !place ? vm.nics : []) {
      await shapeAdapter(nic.tap, limits.network);
    }
  }

  /** Configured limits, those in force (from QMP and QEMU's cgroup) and where they part. */
  private async limitsView(
    vm: VmRecord,
    live: boolean,
  ): Promise<Pick<Instance, 'limits' | 'effectiveLimits' | 'limitsDiffer'>> {
    const limits = limitsOf(vm);
    const pid = live ? await this.qemu.pid(this.target(vm)) : null;
    if (!pid) return { limits, effectiveLimits: null, limitsDiffer: [] };
    try {
      const cgroup = await detectCgroup();
      const fromCgroup = await readCgroupLimits(pid, cgroup, os.cpus().length, []);
      const r = await this.qemu.resources(this.target(vm));
      const th = r.throttles.get('vdisk0');
      const disk = {
        ...(fromCgroup.disk?.weight !== undefined && { weight: fromCgroup.disk.weight }),
        ...(th?.bps_rd && { readBps: th.bps_rd }),
        ...(th?.bps_wr && { writeBps: th.bps_wr }),
        ...(th?.iops_rd && { readIops: th.iops_rd }),
        ...(th?.iops_wr && { writeIops: th.iops_wr }),
      };
      // The cgroup's cpuset says affinity; how many vCPUs the guest has is QEMU's to say.
      const effective: Limits = {
        cpu: { ...fromCgroup.cpu, count: r.vcpus },
        memory: {
          limitMiB: r.memoryMiB,
          ...(r.balloonMiB !== null && r.balloonMiB < r.memoryMiB && { minMiB: r.balloonMiB }),
        },
        ...(Object.keys(disk).length && { disk }),
      };
      // Every tap has the same rate limits: the first one's are read back, with `tc`.
      const shaped = limits.network && vm.nics[0] ? await readShaping(vm.nics[0].tap) : {};
      if (Object.keys(shaped).length > 0) effective.network = shaped;
      // QEMU's cgroup shows no cpuset of its own when affinity is every CPU: none, as configured.
      const expected = { ...limits, cpu: { ...limits.cpu } };
      if (expected.cpu.affinity && !effective.cpu?.affinity) {
        if (expected.cpu.affinity === allCpus(os.cpus().length)) delete expected.cpu.affinity;
      }
      return {
        limits,
        effectiveLimits: effective,
        limitsDiffer: limitsDiffer(
          expected,
          effective,
          limits.network
            ? new Set([...VM_READABLE, 'network.ingressKbps', 'network.egressKbps'])
            : VM_READABLE,
        ),
      };
    } catch {
      return { limits, effectiveLimits: null, limitsDiffer: [] };
    }
  }

  /** Forgets a stopped VM whose disks went elsewhere (it became a template): folder and record. */
  async forget(vm: VmRecord): Promise<void> {
    await this.store.remove(vm);
    this.states.deleted(vm.id);
  }

  /** Applies changes to the one in-memory record (operations hold it) and writes it. */
  async save(vm: VmRecord, changes: Partial<VmRecord> = {}): Promise<void> {
    Object.assign(vm, changes);
    await this.store.save(vm);
  }

  /**
   * What its guest agent says; a guest without one (an installed OS, a stopped or busy agent)
   * shows what DHCP gave its NICs, as dnsmasq's lease file has it.
   */
  private addressesOf(vm: VmRecord): string[] {
    if (this.guests.answered(vm.id)) return this.guests.ips(vm.id);
    return vm.nics.flatMap((n) => this.networks.leasedAddress(n.network, n.mac) ?? []);
  }

  private async toInstance(vm: VmRecord): Promise<Instance> {
    const t = this.target(vm);
    const state = await this.state(vm);
    let uptimeSeconds: number | null = null;
    if (state === 'running' || state === 'paused') {
      uptimeSeconds = await this.qemu.uptime(t);
      if (state === 'running')
        this.guests.refresh(vm.id, () => this.qemu.guestAgent(t).identity(1500));
    } else {
      this.guests.forget(vm.id);
    }
    const disks = await Promise.all(
      vm.disks.map(async (d) => {
        const size = await virtualSize(path.join(t.dir, d.file)).catch(() => 0);
        return {
          name: d.file,
          sizeBytes: size,
          template: d.template,
          bus: d.bus ?? 'virtio',
          cache: d.cache ?? 'writeback',
        };
      }),
    );
    return {
      id: vm.id,
      kind: 'vm',
      ctid: null,
      privileged: false,
      nics: vm.nics.map((n) => ({ network: n.network, mac: n.mac, ipv4: n.ipv4 ?? null })),
      name: vm.name,
      // The name the guest uses, as its agent says; a VM's name is not its guest's hostname.
      hostname: this.guests.hostname(vm.id) ?? '',
      hostId: null,
      state,
      template: vm.disks.find((d) => d.template)?.template ?? null,
      // Addresses only while it runs: a stopped VM has none, whatever was said or leased last.
      ips: state === 'running' || state === 'paused' ? this.addressesOf(vm) : [],
      dns: [],
      uptimeSeconds,
      onboot: vm.onboot,
      diskSizeBytes: disks.reduce((sum, d) => sum + d.sizeBytes, 0),
      description: vm.description,
      tags: vm.tags,
      createdAt: vm.createdAt,
      vm: {
        vcpus: vm.vcpus,
        memoryMiB: vm.memoryMiB,
        disks,
        cdrom: vm.cdrom,
        cdDrives: [{ drive: 0, iso: vm.cdrom }, ...(vm.cdroms ?? [])],
        boot: vm.boot,
        accel: this.accel.current,
        guestAgent: this.guests.answered(vm.id),
        firmware: vm.firmware ?? 'bios',
        machine: vm.machine ?? 'q35',
        cpuModel: vm.cpuModel ?? null,
        // A stopped VM takes everything at its next start: nothing is pending then.
        pendingChanges: state === 'running' || state === 'paused' ? pendingChanges(vm) : [],
      },
      shell: null,
      disabled: false,
      pool: null,
      ...(await this.limitsView(vm, state === 'running' || state === 'paused')),
    };
  }
}
