import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
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
  Operation,
  UpdateInstance,
} from '@berth/contracts';
import { badRequest, conflict, notFound, wrongState, AppError, ErrorCode } from '@berth/contracts';
import type { AgentConfig } from '../config.js';
import type { Accelerator } from '../drivers/qemu/accel.js';
import { qemuArgs, vmPaths, type VmPaths } from '../drivers/qemu/cmdline.js';
import { GuestAgent } from '../drivers/qemu/guest-agent.js';
import { Qmp, type QmpEvent } from '../drivers/qemu/qmp.js';
import { uptimeFromProc } from '../drivers/lxc/state.js';
import { fromQmpStatus, vmWhyNot } from '../drivers/qemu/state.js';
import type { EventBus } from '../events.js';
import { ensureTap, removeTap } from '../net/tap.js';
import type { Operations, Progress } from '../operations.js';
import { run } from '../run.js';
import type { IsoStore } from '../storage/isos.js';
import { emptyDisk, fullCopy, growDisk, linkedClone, virtualSize } from '../storage/qcow2.js';
import type { VmTemplates } from '../templates/vm-templates.js';
import { BusyGuard } from './busy.js';
import { StateNotes } from './state-notes.js';
import { SUSPEND_SNAPSHOT, type VmRecord } from './vm-record.js';

const MiB = 1024 * 1024;

function macFor(id: string, index: number): string {
  const bytes = createHash('sha256').update(`${id}/${index}`).digest().subarray(0, 5);
  return ['52', ...[...bytes].map((b) => b.toString(16).padStart(2, '0'))].join(':');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** VMs: one daemonized QEMU each, driven over QMP; the agent re-attaches after a restart. */
/** Where a running VM's screen and serial port are, and which VM that is (an id may be its name). */
export interface ConsoleSockets {
  vmId: string;
  vnc: string;
  serial: string;
  serialLog: string;
}

export class Vms {
  private readonly records = new Map<string, VmRecord>();
  private readonly qmps = new Map<string, Qmp>();
  /** What the guest agent last said; refreshed in the background so listing never waits on a guest. */
  private readonly guestInfo = new Map<
    string,
    { ips: string[]; answered: boolean; at: number; pending?: boolean }
  >();
  private readonly busy: BusyGuard;
  private readonly states: StateNotes;
  private readonly root: string;

  constructor(
    private readonly config: AgentConfig,
    private readonly accel: Accelerator,
    private readonly templates: VmTemplates,
    private readonly isos: IsoStore,
    ops: Operations,
    private readonly events: EventBus,
    private readonly log: (msg: string) => void,
  ) {
    this.busy = new BusyGuard(ops);
    this.states = new StateNotes(events);
    this.root = path.join(config.dataDir, 'vms');
  }

  async init(): Promise<void> {
    await mkdir(this.root, { recursive: true });
    for (const entry of await readdir(this.root)) {
      try {
        const record = JSON.parse(
          await readFile(path.join(this.root, entry, 'vm.json'), 'utf8'),
        ) as VmRecord;
        this.records.set(record.id, record);
      } catch {
        // a create that was rolled back, or not ours
      }
    }
    for (const vm of this.records.values()) {
      const state = await this.state(vm);
      this.states.set(vm.id, state);
      if (state === 'stopped' || state === 'suspended') await this.releaseTaps(vm);
    }
    this.log(`rediscovered ${this.records.size} VM(s)`);
  }

  close(): void {
    for (const q of this.qmps.values()) q.close();
  }

  has(id: string): boolean {
    return this.records.has(id);
  }

  names(): string[] {
    return [...this.records.values()].map((r) => r.name);
  }

  inUseIsos(): string[] {
    return [...this.records.values()].flatMap((r) => (r.cdrom ? [r.cdrom] : []));
  }

  async list(): Promise<Instance[]> {
    return Promise.all([...this.records.values()].map((r) => this.toInstance(r)));
  }

  async get(id: string): Promise<Instance> {
    return this.toInstance(this.resolve(id));
  }

  private resolve(id: string): VmRecord {
    const vm = this.records.get(id);
    if (!vm) throw notFound(`instance ${id}`);
    return vm;
  }

  private paths(vm: VmRecord): VmPaths {
    return vmPaths(path.join(this.root, vm.id));
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
    return this.busy.start(id, 'instance.create', async (progress) => {
      const dir = path.join(this.root, id);
      try {
        await mkdir(dir, { recursive: true });
        for (const [i, disk] of input.disks.entries()) {
          const file = path.join(dir, `disk${i}.qcow2`);
          progress(10 + (i * 80) / input.disks.length, `preparing disk ${i}`);
          if ('template' in disk) {
            await this.templates.ensure(disk.template, (f, m) =>
              progress(10 + f * 60, `template: ${m}`),
            );
            const base = (await this.templates.disk(disk.template)) as string;
            if (disk.clone === 'linked') await linkedClone(base, file);
            else await fullCopy(base, file);
            if (disk.sizeMiB) await growDisk(file, disk.sizeMiB);
          } else {
            await emptyDisk(file, disk.sizeMiB);
          }
        }
        await this.save(record);
      } catch (err) {
        await rm(dir, { recursive: true, force: true });
        throw err;
      }
      this.states.set(id, 'stopped');
      const instance = await this.toInstance(record);
      this.events.publish({ type: 'instance.updated', instance, at: new Date().toISOString() });
      return instance;
    });
  }

  async precheck(id: string, action: InstanceAction | 'delete', force = false): Promise<void> {
    const vm = this.resolve(id);
    this.busy.assertIdle(vm.id);
    const reason = action === 'delete' && force ? null : vmWhyNot(action, await this.state(vm));
    if (reason) throw wrongState(reason);
  }

  action(id: string, action: InstanceAction, opts: ActionOptions): Operation {
    const vm = this.resolve(id);
    return this.busy.start(vm.id, `instance.${action}`, async (progress) => {
      const reason = vmWhyNot(action, await this.state(vm));
      if (reason) throw wrongState(reason);
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
          await (await this.qmp(vm)).execute('system_reset');
          break;
        case 'pause':
          await (await this.qmp(vm)).execute('stop');
          break;
        case 'unpause':
          await (await this.qmp(vm)).execute('cont');
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
    this.events.publish({ type: 'instance.updated', instance, at: new Date().toISOString() });
    return instance;
  }

  async exec(id: string, req: ExecRequest): Promise<ExecResult> {
    const vm = this.resolve(id);
    const reason = vmWhyNot('exec', await this.state(vm));
    if (reason) throw wrongState(reason);
    const agent = new GuestAgent(this.paths(vm).qga);
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
    const reason = vmWhyNot('screenshot', await this.state(vm));
    if (reason) throw wrongState(reason);
    const { vnc, serial, serialLog } = this.paths(vm);
    return { vmId: vm.id, vnc, serial, serialLog };
  }

  async screenshot(id: string): Promise<Buffer> {
    const vm = this.resolve(id);
    const reason = vmWhyNot('screenshot', await this.state(vm));
    if (reason) throw wrongState(reason);
    const file = path.join(this.paths(vm).dir, `screen-${randomUUID()}.png`);
    try {
      await (await this.qmp(vm)).execute('screendump', { filename: file, format: 'png' });
      return await readFile(file);
    } finally {
      await rm(file, { force: true });
    }
  }

  delete(id: string, force: boolean): Operation {
    const vm = this.resolve(id);
    return this.busy.start(vm.id, 'instance.delete', async (progress) => {
      const state = await this.state(vm);
      if (state !== 'stopped' && state !== 'suspended') {
        if (!force) throw wrongState(vmWhyNot('delete', state) as string);
        progress(10, 'powering off');
        await this.powerOff(vm);
      }
      progress(50, 'removing disks');
      await this.releaseTaps(vm);
      this.qmps.get(vm.id)?.close();
      this.qmps.delete(vm.id);
      await rm(this.paths(vm).dir, { recursive: true, force: true });
      this.records.delete(vm.id);
      this.states.forget(vm.id);
      this.events.publish({
        type: 'instance.deleted',
        instanceId: vm.id,
        at: new Date().toISOString(),
      });
      return { id: vm.id };
    });
  }

  private async boot(vm: VmRecord): Promise<void> {
    const p = this.paths(vm);
    if (vm.cdrom && !(await this.isos.has(vm.cdrom))) {
      throw badRequest(`the VM's ISO ${vm.cdrom} is no longer in the ISO store; eject it first`);
    }
    for (const socket of [p.qmp, p.vnc, p.qga, p.serial]) await rm(socket, { force: true });
    for (const nic of vm.nics) await ensureTap(nic.tap, this.config.bridge);
    try {
      // KVM is trusted only once a kernel has booted under it on this host.
      const accel = await this.accel.settle(await this.templates.kernel('tiny-linux'));
      await run('qemu-system-x86_64', qemuArgs(vm, p, { accel, isoDir: this.isos.dir }), {
        timeoutMs: 120_000,
      });
    } catch (err) {
      await this.releaseTaps(vm);
      throw err;
    }
    const qmp = await this.qmp(vm);
    if (vm.suspended) {
      // The state is back in memory: drop the snapshot so the disk does not keep growing.
      await qmp.hmp(`delvm ${SUSPEND_SNAPSHOT}`);
      await this.save(vm, { suspended: false });
    }
  }

  private async shutdown(vm: VmRecord, opts: ActionOptions, progress: Progress): Promise<void> {
    if (opts.force) {
      progress(10, 'powering off');
      return this.powerOff(vm);
    }
    progress(10, `ACPI shutdown (powered off after ${opts.timeoutSeconds}s)`);
    const qmp = await this.qmp(vm);
    if ((await this.state(vm)) === 'paused') await qmp.execute('cont');
    await qmp.execute('system_powerdown');
    if (await this.waitExit(vm, opts.timeoutSeconds * 1000)) return this.releaseTaps(vm);
    progress(80, 'the guest did not shut down in time: powering off');
    await this.powerOff(vm);
  }

  private async powerOff(vm: VmRecord): Promise<void> {
    try {
      await (await this.qmp(vm)).execute('quit', undefined, 5000);
    } catch {
      const pid = await this.pid(vm);
      if (pid) process.kill(pid, 'SIGKILL');
    }
    if (!(await this.waitExit(vm, 15_000))) throw new Error('QEMU did not exit');
    await this.releaseTaps(vm);
  }

  private async suspendToDisk(vm: VmRecord, progress: Progress): Promise<void> {
    const qmp = await this.qmp(vm);
    progress(10, 'saving memory and device state to disk');
    const out = await qmp.hmp(`savevm ${SUSPEND_SNAPSHOT}`);
    if (/error/i.test(out)) throw new Error(`savevm failed: ${out.trim()}`);
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
    const qmp = await this.qmp(vm);
    if (iso) {
      await qmp.execute('blockdev-change-medium', {
        id: 'cdrom0',
        filename: this.isos.path(iso),
        format: 'raw',
      });
    } else {
      await qmp.execute('eject', { id: 'cdrom0', force: true });
    }
  }

  private async pid(vm: VmRecord): Promise<number | null> {
    const pid = Number(await readFile(this.paths(vm).pidfile, 'utf8').catch(() => '0'));
    if (!pid) return null;
    // The pid must still be this VM's QEMU, not a reused number.
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    return cmdline.includes(vm.id) ? pid : null;
  }

  private async waitExit(vm: VmRecord, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!(await this.pid(vm))) return true;
      await sleep(100);
    }
    return false;
  }

  private async qmp(vm: VmRecord): Promise<Qmp> {
    const existing = this.qmps.get(vm.id);
    if (existing && !existing.isClosed) return existing;
    const qmp = await Qmp.connect(this.paths(vm).qmp, (e) => this.onQmpEvent(vm.id, e));
    this.qmps.set(vm.id, qmp);
    return qmp;
  }

  private onQmpEvent(id: string, event: QmpEvent): void {
    const vm = this.records.get(id);
    if (!vm) return;
    if (['STOP', 'RESUME', 'SHUTDOWN', 'RESET'].includes(event.event)) {
      void this.state(vm).then((s) => this.states.note(id, s));
    }
    if (event.event === 'SHUTDOWN') {
      // A guest that powers itself off: QEMU exits; tidy its taps once it has.
      void this.waitExit(vm, 15_000).then(async (gone) => {
        if (!gone) return;
        await this.releaseTaps(vm);
        this.states.note(id, await this.state(vm));
      });
    }
  }

  private async state(vm: VmRecord): Promise<InstanceState> {
    if (!(await this.pid(vm))) return vm.suspended ? 'suspended' : 'stopped';
    try {
      const { status } = await (
        await this.qmp(vm)
      ).execute<{ status: string }>('query-status', undefined, 5000);
      return fromQmpStatus(status);
    } catch {
      return 'unknown';
    }
  }

  private refreshGuestInfo(vm: VmRecord): void {
    const known = this.guestInfo.get(vm.id);
    if (known?.pending || (known && Date.now() - known.at < 3000)) return;
    this.guestInfo.set(vm.id, {
      ips: known?.ips ?? [],
      answered: known?.answered ?? false,
      at: known?.at ?? 0,
      pending: true,
    });
    new GuestAgent(this.paths(vm).qga)
      .addresses(1500)
      .then(
        (ips) => ({ ips, answered: true }),
        () => ({ ips: known?.ips ?? [], answered: false }),
      )
      .then((info) => this.guestInfo.set(vm.id, { ...info, at: Date.now() }));
  }

  private async releaseTaps(vm: VmRecord): Promise<void> {
    for (const nic of vm.nics) await removeTap(nic.tap);
  }

  /** Applies changes to the one in-memory record (operations hold it) and writes vm.json atomically. */
  private async save(vm: VmRecord, changes: Partial<VmRecord> = {}): Promise<void> {
    Object.assign(vm, changes);
    const dir = this.paths(vm).dir;
    await mkdir(dir, { recursive: true });
    const tmp = path.join(dir, '.vm.json.tmp');
    await writeFile(tmp, JSON.stringify(vm, null, 2));
    await rename(tmp, path.join(dir, 'vm.json'));
    this.records.set(vm.id, vm);
  }

  private async toInstance(vm: VmRecord): Promise<Instance> {
    const state = await this.state(vm);
    const p = this.paths(vm);
    let uptimeSeconds: number | null = null;
    if (state === 'running' || state === 'paused') {
      const pid = await this.pid(vm);
      const [stat, uptime] = await Promise.all([
        readFile(`/proc/${pid}/stat`, 'utf8').catch(() => ''),
        readFile('/proc/uptime', 'utf8'),
      ]);
      uptimeSeconds = stat ? uptimeFromProc(stat, uptime) : null;
      if (state === 'running') this.refreshGuestInfo(vm);
    } else {
      this.guestInfo.delete(vm.id);
    }
    const disks = await Promise.all(
      vm.disks.map(async (d) => {
        const size = await virtualSize(path.join(p.dir, d.file)).catch(() => 0);
        return { name: d.file, sizeBytes: size, template: d.template };
      }),
    );
    return {
      id: vm.id,
      kind: 'vm',
      ctid: null,
      name: vm.name,
      hostname: vm.name,
      hostId: null,
      state,
      template: vm.disks.find((d) => d.template)?.template ?? null,
      ips: this.guestInfo.get(vm.id)?.ips ?? [],
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
        guestAgent: this.guestInfo.get(vm.id)?.answered ?? false,
      },
      shell: null,
    };
  }
}
