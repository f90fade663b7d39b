import { createHash, randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { totalmem } from 'node:os';
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
  Operation,
  Progress,
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
} from '@berth/contracts';
import type { AgentConfig } from '../config.js';
import type { Accelerator } from '../drivers/qemu/accel.js';
import { Qemu, type QemuVm } from '../drivers/qemu/qemu.js';
import type { QmpEvent } from '../drivers/qemu/qmp.js';
import type { EventBus } from '../events.js';
import type { Log } from '../log.js';
import { ensureTap, removeTap } from '../net/tap.js';
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
import { SUSPEND_SNAPSHOT, type VmRecord } from './vm-record.js';

const MiB = 1024 * 1024;

function macFor(id: string, index: number): string {
  const bytes = createHash('sha256').update(`${id}/${index}`).digest().subarray(0, 5);
  return ['52', ...[...bytes].map((b) => b.toString(16).padStart(2, '0'))].join(':');
}

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
  private readonly qemu: Qemu;
  private readonly guests = new GuestInfo();
  private readonly busy: BusyGuard;
  private readonly states: StateNotes;

  constructor(
    private readonly config: AgentConfig,
    private readonly accel: Accelerator,
    private readonly templates: VmTemplates,
    private readonly isos: IsoStore,
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
      if (state === 'stopped' || state === 'suspended') await this.releaseTaps(vm);
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
    return this.store.all().map((r) => r.name);
  }

  inUseIsos(): string[] {
    return this.store.all().flatMap((r) => (r.cdrom ? [r.cdrom] : []));
  }

  async list(): Promise<Instance[]> {
    return Promise.all(this.store.all().map((r) => this.toInstance(r)));
  }

  async get(id: string): Promise<Instance> {
    return this.toInstance(this.resolve(id));
  }

  private resolve(id: string): VmRecord {
    const vm = this.store.get(id);
    if (!vm) throw notFound(`instance ${id}`);
    return vm;
  }

  private target(vm: VmRecord): QemuVm {
    return { id: vm.id, dir: this.store.dirOf(vm) };
  }

  async create(input: CreateVm, nameTaken: (name: string) => boolean): Promise<Operation> {
    if (nameTaken(input.name))
      throw conflict(`an instance named ${input.name} exists already`, 'name');
    const hostMiB = Math.floor(totalmem() / MiB);
    if (input.memoryMiB > hostMiB) {
      throw badRequest(
        `memoryMiB ${input.memoryMiB} is more than this host has (${hostMiB} MiB)`,
        'memoryMiB',
      );
    }
    if (input.cdrom && !(await this.isos.has(input.cdrom))) {
      throw badRequest(`there is no ISO named ${input.cdrom} in the ISO store`, 'cdrom');
    }
    if (input.boot.includes('disk') && input.disks.length === 0 && !input.boot.includes('cdrom')) {
      throw badRequest('the VM boots from disk but has no disk', 'disks');
    }
    const id = randomUUID();
    const record: VmRecord = {
      id,
      name: input.name,
      vcpus: input.vcpus,
      memoryMiB: input.memoryMiB,
      disks: input.disks.map((d, i) => ({
        file: `disk${i}.qcow2`,
        template: 'template' in d ? d.template : null,
      })),
      cdrom: input.cdrom,
      boot: input.boot,
      nics: input.nics.map((n, i) => ({
        network: n.network,
        mac: macFor(id, i),
        tap: `vt${id.slice(0, 8)}${i}`,
      })),
      onboot: input.onboot,
      description: input.description,
      tags: input.tags,
      createdAt: new Date().toISOString(),
      suspended: false,
    };
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
    if (patch.cdrom !== undefined) await this.changeCdrom(vm, patch.cdrom);
    await this.save(vm, {
      description: patch.description ?? vm.description,
      tags: patch.tags ?? vm.tags,
      onboot: patch.onboot ?? vm.onboot,
      cdrom: patch.cdrom === undefined ? vm.cdrom : patch.cdrom,
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

  private async boot(vm: VmRecord): Promise<void> {
    if (vm.cdrom && !(await this.isos.has(vm.cdrom))) {
      throw badRequest(`the VM's ISO ${vm.cdrom} is no longer in the ISO store; eject it first`);
    }
    for (const nic of vm.nics) await ensureTap(nic.tap, this.config.bridge);
    try {
      // KVM is trusted only once a kernel has booted under it on this host.
      const accel = await this.accel.settle(await this.templates.kernel('tiny-linux'));
      await this.qemu.launch(
        this.target(vm),
        { ...vm, restore: vm.suspended ? SUSPEND_SNAPSHOT : null },
        { accel, isoDir: this.isos.dir },
      );
    } catch (err) {
      await this.releaseTaps(vm);
      throw err;
    }
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

  private async powerOff(vm: VmRecord): Promise<void> {
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

  private async state(vm: VmRecord): Promise<InstanceState> {
    const state = await this.qemu.state(this.target(vm));
    return state === 'stopped' && vm.suspended ? 'suspended' : state;
  }

  private async releaseTaps(vm: VmRecord): Promise<void> {
    for (const nic of vm.nics) await removeTap(nic.tap);
  }

  /** Applies changes to the one in-memory record (operations hold it) and writes it. */
  private async save(vm: VmRecord, changes: Partial<VmRecord> = {}): Promise<void> {
    Object.assign(vm, changes);
    await this.store.save(vm);
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
        return { name: d.file, sizeBytes: size, template: d.template };
      }),
    );
    return {
      id: vm.id,
      kind: 'vm',
      ctid: null,
      privileged: false,
      name: vm.name,
      // The name the guest uses, as its agent says; a VM's name is not its guest's hostname.
      hostname: this.guests.hostname(vm.id) ?? '',
      hostId: null,
      state,
      template: vm.disks.find((d) => d.template)?.template ?? null,
      // Addresses are the guest's word while it runs; a stopped VM has none, whatever was said last.
      ips: state === 'running' || state === 'paused' ? this.guests.ips(vm.id) : [],
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
        boot: vm.boot,
        accel: this.accel.current,
        guestAgent: this.guests.answered(vm.id),
      },
      shell: null,
    };
  }
}
