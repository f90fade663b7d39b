import { randomUUID } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { InstanceState } from '@berth/contracts';
import { cmdlineOf, processUptime, readPidfile } from '../../host/proc.js';
import { run } from '../../run.js';
import { qemuArgs, vmPaths, type QemuMachine, type VmPaths } from './cmdline.js';
import { GuestAgent } from './guest-agent.js';
import { Qmp, type QmpEvent } from './qmp.js';
import { deleteSnapshot, saveSnapshot } from './snapshots.js';
import { fromQmpStatus } from './state.js';

/** Which QEMU: the VM's id (found in QEMU's command line) and the directory of its sockets. */
export interface QemuVm {
  id: string;
  dir: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * One daemonized QEMU per VM, driven over QMP. Connections are cached per VM and outlive
 * requests, because QMP events (a guest powering itself off) arrive on them.
 */
export class Qemu {
  private readonly qmps = new Map<string, Qmp>();
  /** Connections being made, so that callers who race share one (see qmp). */
  private readonly connecting = new Map<string, Promise<Qmp>>();

  constructor(private readonly onEvent: (vmId: string, event: QmpEvent) => void) {}

  paths(vm: QemuVm): VmPaths {
    return vmPaths(vm.dir);
  }

  /**
   * Starts QEMU and connects QMP at once, so events (a guest powering itself off) are heard
   * from the first moment; resolves once QEMU has daemonized.
   */
  async launch(
    vm: QemuVm,
    machine: QemuMachine,
    opts: { accel: 'kvm' | 'tcg'; isoDir: string },
  ): Promise<void> {
    const p = this.paths(vm);
    for (const socket of [p.qmp, p.vnc, p.qga, p.serial]) await rm(socket, { force: true });
    await run('qemu-system-x86_64', qemuArgs(machine, p, opts), { timeoutMs: 120_000 });
    await this.qmp(vm);
  }

  async pid(vm: QemuVm): Promise<number | null> {
    const pid = await readPidfile(this.paths(vm).pidfile);
    if (!pid) return null;
    // The pid must still be this VM's QEMU, not a reused number.
    return (await cmdlineOf(pid)).includes(vm.id) ? pid : null;
  }

  async waitExit(vm: QemuVm, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!(await this.pid(vm))) return true;
      await sleep(100);
    }
    return false;
  }

  /**
   * QEMU serves one QMP client per socket: a second connection is accepted by the kernel but
   * never greeted, so two callers racing here (a start and the sampler's tick) would leave one
   * waiting 30 s for an answer. They share the connection being made instead.
   */
  async qmp(vm: QemuVm): Promise<Qmp> {
    const existing = this.qmps.get(vm.id);
    if (existing && !existing.isClosed) return existing;
    let connecting = this.connecting.get(vm.id);
    if (!connecting) {
      connecting = Qmp.connect(this.paths(vm).qmp, (e) => this.onEvent(vm.id, e))
        .then((qmp) => {
          this.qmps.set(vm.id, qmp);
          return qmp;
        })
        .finally(() => this.connecting.delete(vm.id));
      this.connecting.set(vm.id, connecting);
    }
    return connecting;
  }

  /** 'stopped' when no QEMU runs, 'unknown' when one runs but QMP does not answer. */
  async state(vm: QemuVm): Promise<InstanceState> {
    if (!(await this.pid(vm))) return 'stopped';
    try {
      const { status } = await (
        await this.qmp(vm)
      ).execute<{ status: string }>('query-status', undefined, 5000);
      return fromQmpStatus(status);
    } catch {
      return 'unknown';
    }
  }

  async uptime(vm: QemuVm): Promise<number | null> {
    const pid = await this.pid(vm);
    return pid ? processUptime(pid) : null;
  }

  /** Presses the ACPI power button; true when QEMU exited within timeoutMs. */
  async powerdown(vm: QemuVm, timeoutMs: number): Promise<boolean> {
    const qmp = await this.qmp(vm);
    // A paused guest cannot hear the button.
    if ((await this.state(vm)) === 'paused') await qmp.execute('cont');
    await qmp.execute('system_powerdown');
    return this.waitExit(vm, timeoutMs);
  }

  /** Pulls the plug: quit over QMP, SIGKILL when QMP does not answer. */
  async powerOff(vm: QemuVm): Promise<void> {
    try {
      await (await this.qmp(vm)).execute('quit', undefined, 5000);
    } catch {
      const pid = await this.pid(vm);
      if (pid) process.kill(pid, 'SIGKILL');
    }
    if (!(await this.waitExit(vm, 15_000))) throw new Error('QEMU did not exit');
  }

  async reset(vm: QemuVm): Promise<void> {
    await (await this.qmp(vm)).execute('system_reset');
  }

  async pause(vm: QemuVm): Promise<void> {
    await (await this.qmp(vm)).execute('stop');
  }

  async unpause(vm: QemuVm): Promise<void> {
    await (await this.qmp(vm)).execute('cont');
  }

  async saveSnapshot(vm: QemuVm, name: string): Promise<void> {
    await saveSnapshot(await this.qmp(vm), name);
  }

  async deleteSnapshot(vm: QemuVm, name: string): Promise<void> {
    await deleteSnapshot(await this.qmp(vm), name);
  }

  async screendump(vm: QemuVm): Promise<Buffer> {
    const file = path.join(vm.dir, `screen-${randomUUID()}.png`);
    try {
      await (await this.qmp(vm)).execute('screendump', { filename: file, format: 'png' });
      return await readFile(file);
    } finally {
      await rm(file, { force: true });
    }
  }

  /** Inserts an ISO (a host path) into a running VM's CD drive, or ejects it with null. */
  async changeMedium(vm: QemuVm, file: string | null, drive = 0): Promise<void> {
    const qmp = await this.qmp(vm);
    const id = `cdrom${drive}`;
    if (file) {
      await qmp.execute('blockdev-change-medium', { id, filename: file, format: 'raw' });
    } else {
      await qmp.execute('eject', { id, force: true });
    }
  }

  /** Asks the guest's balloon driver to give memory back until it has `mib` MiB. */
  async balloon(vm: QemuVm, mib: number): Promise<void> {
    await (await this.qmp(vm)).execute('balloon', { value: mib * 1024 * 1024 });
  }

  /** I/O limits of one disk (its -drive id); 0 is unlimited, as QEMU has it. */
  async throttle(
    vm: QemuVm,
    drive: string,
    t: { readBps: number; writeBps: number; readIops: number; writeIops: number },
  ): Promise<void> {
    await (
      await this.qmp(vm)
    ).execute('block_set_io_throttle', {
      device: drive,
      bps: 0,
      bps_rd: t.readBps,
      bps_wr: t.writeBps,
      iops: 0,
      iops_rd: t.readIops,
      iops_wr: t.writeIops,
    });
  }

  /** What QEMU has now: vCPUs, memory, the balloon's size and each disk's throttle. */
  async resources(vm: QemuVm): Promise<{
    vcpus: number;
    memoryMiB: number;
    balloonMiB: number | null;
    throttles: Map<string, { bps_rd: number; bps_wr: number; iops_rd: number; iops_wr: number }>;
  }> {
    const qmp = await this.qmp(vm);
    const MiB = 1024 * 1024;
    const [cpus, memory, balloon, blocks] = await Promise.all([
      qmp.execute<unknown[]>('query-cpus-fast'),
      qmp.execute<{ 'base-memory': number }>('query-memory-size-summary'),
      qmp.execute<{ actual: number }>('query-balloon').catch(() => null),
      qmp.execute<
        Array<{
          qdev?: string;
          inserted?: { bps_rd: number; bps_wr: number; iops_rd: number; iops_wr: number };
        }>
      >('query-block'),
    ]);
    const throttles = new Map(
      blocks.flatMap((b) =>
        b.qdev && b.inserted
          ? [[b.qdev.replace(/\/virtio-backend$/, '').replace(/^.*\//, ''), b.inserted] as const]
          : [],
      ),
    );
    return {
      vcpus: cpus.length,
      memoryMiB: Math.round(memory['base-memory'] / MiB),
      balloonMiB: balloon ? Math.round(balloon.actual / MiB) : null,
      throttles,
    };
  }

  guestAgent(vm: QemuVm): GuestAgent {
    return new GuestAgent(this.paths(vm).qga);
  }

  /** Drops the cached QMP connection (the VM is going away). */
  forget(vm: QemuVm): void {
    this.qmps.get(vm.id)?.close();
    this.qmps.delete(vm.id);
  }

  close(): void {
    for (const q of this.qmps.values()) q.close();
  }
}
