import path from 'node:path';
import type {
  CreateSnapshotRequest,
  Operation,
  RevertSnapshotRequest,
  Snapshot,
  SnapshotList,
} from '@berth/contracts';
import { badRequest, conflict, notFound, wrongState } from '@berth/contracts';
import {
  imageSnapshots,
  liveDeleteSnapshot,
  liveDiskSnapshot,
  loadMachineState,
  offlineSnapshot,
  type DiskSnapshot,
} from '../drivers/qemu/internal-snapshots.js';
import { driveOf } from '../drivers/qemu/cmdline.js';
import type { Intent } from '../journal/intent.js';
import { SUSPEND_SNAPSHOT, type VmRecord, type VmSnapshot } from '../instances/vm-record.js';
import type { Vms } from '../instances/vms.js';
import { assertFreeSpace } from '../storage/free-space.js';
import type { SnapshotDriver } from './driver.js';
import { withoutSnapshot } from './tree.js';

const MiB = 1024 * 1024;
/** A disk-only internal snapshot copies the qcow2 tables; later writes copy clusters. */
const DISK_ONLY_BYTES = 64 * MiB;

/** The QEMU drive id of a VM's disk (see cmdline.ts): what QMP's block commands name. */

const LIVE = new Set(['running', 'paused']);

/**
 * VM snapshots as qcow2 internal snapshots. With memory: savevm into the disks (the VM is paused
 * while it writes); without: one QMP transaction over every disk of a running VM, or qemu-img on
 * a stopped one. The tree lives in the VM's record; the disks' own lists are the truth a
 * restarted agent reconciles it with (vm-reconcile.ts).
 */
export class VmSnapshots implements SnapshotDriver {
  constructor(private readonly vms: Vms) {}

  async list(id: string): Promise<SnapshotList> {
    const vm = this.vms.resolve(id);
    const state = await this.vms.state(vm);
    const { held, problem } = await this.disks(vm);
    const sizes = new Map(held[0]?.map((s) => [s.name, s.vmStateSize]) ?? []);
    return {
      items: (vm.snapshots ?? []).map((s) => this.toSnapshot(s, sizes)),
      current: vm.currentSnapshot ?? null,
      supported: {
        snapshots: problem === null,
        memory: problem === null && LIVE.has(state),
        reason: problem,
      },
    };
  }

  async take(id: string, request: CreateSnapshotRequest): Promise<Operation> {
    const vm = this.vms.resolve(id);
    this.vms.busy.assertIdle(vm.id);
    if (request.name === SUSPEND_SNAPSHOT) {
      throw badRequest(`${SUSPEND_SNAPSHOT} is kept for suspending the VM`, 'name');
    }
    const { held, problem } = await this.disks(vm);
    if (problem) throw conflict(problem);
    if (
      vm.snapshots?.some((s) => s.name === request.name) ||
      held.some((d) => d.some((s) => s.name === request.name))
    ) {
      throw conflict(`the VM has a snapshot named ${request.name} already`, 'name');
    }
    const state = await this.vms.state(vm);
    this.assertSnapshotState(state);
    const withMemory = request.withMemory ?? false;
    if (withMemory && !LIVE.has(state)) {
      throw wrongState('the VM is stopped: there is no memory to save; take it without memory');
    }
    const dir = this.vms.target(vm).dir;
    await assertFreeSpace(
      dir,
      withMemory ? vm.memoryMiB * MiB : DISK_ONLY_BYTES,
      withMemory ? 'a snapshot with memory' : 'a snapshot',
    );
    const snapshot: VmSnapshot = {
      name: request.name,
      parent: vm.currentSnapshot ?? null,
      description: request.description ?? '',
      createdAt: new Date().toISOString(),
      withMemory,
    };
    return this.vms.busy.start(
      vm.id,
      'instance.snapshot.create',
      async (progress, step) => {
        const now = await this.vms.state(vm);
        this.assertSnapshotState(now);
        await step('vm.snapshot.take');
        const t = this.vms.target(vm);
        if (withMemory) {
          if (!LIVE.has(now)) throw wrongState('the VM stopped before its memory could be saved');
          progress(10, 'saving memory, devices and disks (the VM is paused meanwhile)');
          await this.vms.qemu.saveSnapshot(t, snapshot.name);
        } else if (LIVE.has(now)) {
          // A running guest with an agent flushes and freezes its filesystems around the
          // snapshot, so they are clean on it; without one the snapshot is as after a power cut.
          const guest = this.vms.qemu.guestAgent(t);
          let unfrozen = now === 'paused' ? 'the VM is paused' : 'no guest agent answers';
          const frozen =
            now === 'running' && (await guest.ping())
              ? await guest.freeze().catch((err: Error) => {
                  // qemu-ga thaws what it froze when a freeze fails part-way.
                  unfrozen = `the guest could not freeze its filesystems: ${err.message}`;
                  return null;
                })
              : null;
          try {
            if (frozen !== null) await step('vm.snapshot.frozen', { frozen: true });
            progress(
              10,
              frozen === null
                ? `snapshotting every disk at once (${unfrozen}: the disks are as after a power cut)`
                : `froze ${frozen} filesystem(s) in the guest; snapshotting every disk at once`,
            );
            const qmp = await this.vms.qemu.qmp(t);
            await liveDiskSnapshot(
              qmp,
              vm.disks.map((d) => driveOf(d.file)),
              snapshot.name,
            );
          } finally {
            if (frozen !== null) {
              await guest.thaw();
              progress(80, 'thawed the guest’s filesystems');
            }
          }
        } else {
          for (const [i, disk] of vm.disks.entries()) {
            progress(10 + (80 * i) / vm.disks.length, `snapshotting ${disk.file}`);
            await offlineSnapshot(path.join(t.dir, disk.file), 'create', snapshot.name);
          }
        }
        await step('vm.snapshot.record');
        await this.vms.save(vm, {
          snapshots: [...(vm.snapshots ?? []), snapshot],
          currentSnapshot: snapshot.name,
        });
        const { held } = await this.disks(vm);
        return this.toSnapshot(snapshot, new Map(held[0]?.map((s) => [s.name, s.vmStateSize])));
      },
      this.intent(vm, 'take', snapshot),
    );
  }

  async revert(id: string, name: string, request: RevertSnapshotRequest): Promise<Operation> {
    const vm = this.vms.resolve(id);
    this.vms.busy.assertIdle(vm.id);
    const snapshot = this.find(vm, name);
    const state = await this.vms.state(vm);
    this.assertSnapshotState(state);
    // A disk added after the snapshot has nothing to go back to: refused before any disk changes.
    const { held } = await this.disks(vm);
    const lacking = vm.disks.filter((_, i) => !held[i]?.some((s) => s.name === name));
    if (lacking.length) {
      throw conflict(
        `${lacking.map((d) => d.file).join(', ')} was added after ${name} and has no such snapshot`,
      );
    }
    if (!snapshot.withMemory && LIVE.has(state) && !request.stopRunning) {
      throw wrongState(
        `the VM is ${state}: reverting to ${name}, a snapshot without memory, powers it off first; confirm with stopRunning`,
      );
    }
    return this.vms.busy.start(
      vm.id,
      'instance.snapshot.revert',
      async (progress, step) => {
        const now = await this.vms.state(vm);
        this.assertSnapshotState(now);
        const t = this.vms.target(vm);
        await step('vm.snapshot.revert.apply', { applying: true });
        if (snapshot.withMemory && LIVE.has(now)) {
          progress(10, 'loading the saved memory, devices and disks');
          const qmp = await this.vms.qemu.qmp(t);
          await loadMachineState(qmp, name);
          // A paused VM stays paused through loadvm; the snapshot's state is a running one.
          if ((await this.vms.state(vm)) === 'paused') await this.vms.qemu.unpause(t);
        } else if (snapshot.withMemory) {
          progress(10, 'starting the VM from the saved memory');
          await this.vms.boot(vm, name);
        } else {
          if (LIVE.has(now)) {
            progress(10, 'powering the VM off');
            await this.vms.powerOff(vm);
          }
          for (const [i, disk] of vm.disks.entries()) {
            progress(30 + (60 * i) / vm.disks.length, `reverting ${disk.file}`);
            await offlineSnapshot(path.join(t.dir, disk.file), 'apply', name);
          }
        }
        await step('vm.snapshot.record');
        await this.vms.save(vm, { currentSnapshot: name });
        this.vms.states.note(vm.id, await this.vms.state(vm));
        return this.toSnapshot(snapshot, new Map());
      },
      this.intent(vm, 'revert', snapshot),
    );
  }

  async remove(id: string, name: string): Promise<Operation> {
    const vm = this.vms.resolve(id);
    this.vms.busy.assertIdle(vm.id);
    const snapshot = this.find(vm, name);
    return this.vms.busy.start(
      vm.id,
      'instance.snapshot.delete',
      async (progress, step) => {
        const state = await this.vms.state(vm);
        const t = this.vms.target(vm);
        await step('vm.snapshot.delete');
        if (LIVE.has(state)) {
          const qmp = await this.vms.qemu.qmp(t);
          for (const i of vm.disks.keys()) {
            progress(10 + (80 * i) / vm.disks.length, `deleting it from ${vm.disks[i]!.file}`);
            await liveDeleteSnapshot(qmp, driveOf(vm.disks[i]!.file), name);
          }
        } else {
          const { held } = await this.disks(vm);
          for (const [i, disk] of vm.disks.entries()) {
            // A disk a killed delete had finished with does not have it any more.
            if (!held[i]?.some((s) => s.name === name)) continue;
            progress(10 + (80 * i) / vm.disks.length, `deleting it from ${disk.file}`);
            await offlineSnapshot(path.join(t.dir, disk.file), 'delete', name);
          }
        }
        await step('vm.snapshot.record');
        const tree = withoutSnapshot(
          { snapshots: vm.snapshots ?? [], current: vm.currentSnapshot ?? null },
          name,
        );
        await this.vms.save(vm, { snapshots: tree.snapshots, currentSnapshot: tree.current });
        return { name };
      },
      this.intent(vm, 'delete', snapshot),
    );
  }

  private intent(vm: VmRecord, action: 'take' | 'revert' | 'delete', snapshot: VmSnapshot): Intent {
    return { type: 'vm.snapshot', vmId: vm.id, dir: this.vms.target(vm).dir, action, snapshot };
  }

  private find(vm: VmRecord, name: string): VmSnapshot {
    const snapshot = vm.snapshots?.find((s) => s.name === name);
    if (!snapshot) throw notFound(`snapshot ${name} of VM ${vm.name}`);
    return snapshot;
  }

  private assertSnapshotState(state: string): void {
    if (state === 'suspended') {
      throw wrongState('the VM is suspended: resume it first (its saved state is in its disk)');
    }
    if (state !== 'stopped' && !LIVE.has(state)) {
      throw wrongState(`the VM is ${state}: snapshots need it running, paused or stopped`);
    }
  }

  /** Each disk's snapshots (the suspend state left out), or why the VM cannot have any. */
  private async disks(vm: VmRecord): Promise<{ held: DiskSnapshot[][]; problem: string | null }> {
    if (vm.disks.length === 0)
      return { held: [], problem: 'the VM has no disk to keep snapshots in' };
    const dir = this.vms.target(vm).dir;
    const infos = await Promise.all(vm.disks.map((d) => imageSnapshots(path.join(dir, d.file))));
    const odd = vm.disks.filter((_, i) => infos[i]!.format !== 'qcow2');
    return {
      held: infos.map((i) => i.snapshots.filter((s) => s.name !== SUSPEND_SNAPSHOT)),
      problem: odd.length
        ? `snapshots need qcow2 disks; ${odd.map((d) => d.file).join(', ')} is not qcow2`
        : null,
    };
  }

  private toSnapshot(s: VmSnapshot, vmStateSizes: Map<string, number>): Snapshot {
    const size = vmStateSizes.get(s.name);
    return { ...s, sizeBytes: s.withMemory && size !== undefined ? size : null };
  }
}
