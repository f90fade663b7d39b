import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  AppError,
  ErrorCode,
  notFound,
  type PidOwner,
  type ProcessInfo,
  type ProcessList,
  type ProcessSignal,
} from '@berth/contracts';
import { Qemu } from '../drivers/qemu/qemu.js';
import type { ContainerRecord } from '../instances/record.js';
import type { Instances } from '../instances/instances.js';
import { containerGroup, ctidOfGroup, placeOf, processesIn, within } from './cgroup.js';
import { containerUsers } from './passwd.js';
import {
  bootTimeMs,
  cpuPercent,
  sampleProcess,
  ticksToMs,
  type ProcSample,
} from './proc-sample.js';
import { PS_COLUMNS, parsePs } from './ps-output.js';

/** The uid the kernel shows for an id outside a user namespace's map. */
const OVERFLOW_UID = 65534;

interface Previous {
  atMs: number;
  /** hostPid → CPU ticks and start time (a reused pid has another start time). */
  byPid: Map<number, { cpuTicks: number; startTicks: number }>;
}

/**
 * Processes inside instances. A container's are read from the host (its cgroup and /proc, no
 * command inside), a VM's through its guest agent's `ps`. Signals and lookups need no journal:
 * each is one kill(2) or one read, with nothing left half-done by a crash.
 */
export class Processes {
  /** The last sample per container, so CPU % covers the time since the previous listing. */
  private readonly previous = new Map<string, Previous>();
  /** Each running container's init, so a refresh every 2 s need not spawn lxc-info each time. */
  private readonly inits = new Map<string, number>();
  /** Only for its pidfile check (pid() opens no QMP connection). */
  private readonly qemu = new Qemu(() => undefined);

  constructor(
    private readonly instances: Instances,
    private readonly vmsDir: string,
  ) {}

  async list(id: string): Promise<ProcessList> {
    if (this.instances.vms.has(id)) return this.listGuest(id);
    const { record, group, initPid } = await this.containerGroupOf(id);
    const [users, bootMs] = await Promise.all([containerUsers(initPid), bootTimeMs()]);
    const samples = processesIn(group)
      .map(sampleProcess)
      .filter((s): s is ProcSample => s !== null);
    const atMs = Date.now();
    const before = this.previous.get(record.id);
    this.previous.set(record.id, {
      atMs,
      byPid: new Map(
        samples.map((s) => [s.hostPid, { cpuTicks: s.cpuTicks, startTicks: s.startTicks }]),
      ),
    });
    const items = samples.map((s): ProcessInfo => {
      const startedMs = bootMs + ticksToMs(s.startTicks);
      const old = before?.byPid.get(s.hostPid);
      const same =
        old && old.startTicks === s.startTicks ? { ...old, atMs: before!.atMs } : undefined;
      const uid = s.hostUid === null ? null : insideUid(s.hostUid, record);
      return {
        pid: s.nsPid,
        hostPid: s.hostPid,
        ppid: s.ppid,
        uid,
        user: uid === null ? '?' : (users.get(uid) ?? String(uid)),
        state: s.state,
        cpuPercent: cpuPercent({ cpuTicks: s.cpuTicks, atMs }, same, startedMs),
        rssBytes: s.rssBytes,
        startedAt: new Date(startedMs).toISOString(),
        command: s.cmdline || `[${s.name}]`,
      };
    });
    return { source: 'cgroup', intervalMs: before ? atMs - before.atMs : null, items };
  }

  /**
   * Signals a process of the instance: for a container `pid` is the host pid, re-checked to be
   * in the container's group right before the kill (a listing may be old and pids are reused);
   * for a VM it is the guest's pid, signalled by `kill` inside.
   */
  async signal(id: string, pid: number, signal: ProcessSignal): Promise<void> {
    if (this.instances.vms.has(id)) {
      const result = await this.instances.exec(id, {
        command: ['kill', '-s', signal, String(pid)],
        timeoutSeconds: 10,
      });
      if (result.exitCode === 0) return;
      if (/no such process|not found/i.test(result.stderr))
        throw notFound(`process ${pid} in the guest`);
      throw new AppError(ErrorCode.hostError, `kill in the guest failed: ${result.stderr.trim()}`);
    }
    const { group } = await this.containerGroupOf(id);
    const place = await placeOf(pid);
    if (!place || !within(place.path, group.path)) {
      throw notFound(`process ${pid} in instance ${id}`);
    }
    try {
      process.kill(pid, `SIG${signal}`);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ESRCH') throw notFound(`process ${pid}`);
      throw err;
    }
  }

  /** The instance a host process (or thread) belongs to. */
  async owner(hostPid: number): Promise<PidOwner> {
    const status = await readFile(`/proc/${hostPid}/status`, 'utf8').catch(() => null);
    if (status === null) throw notFound(`process ${hostPid} on this host`);
    const tgid = Number(/^Tgid:\s*(\d+)$/m.exec(status)?.[1] ?? hostPid);
    const place = await placeOf(tgid);
    const ctid = place ? ctidOfGroup(place.path) : null;
    if (place && ctid !== null) {
      const record = this.knownContainer(ctid);
      // Another lxcpath's container of the same name sits in a group like lxc.payload.101-1:
      // only a process in this container's own group is its.
      const own = record && (await this.containerGroupOf(record.id).catch(() => null));
      if (record && own && within(place.path, own.group.path)) {
        const nsPid = /^NSpid:\s*(.*)$/m.exec(status)?.[1]?.split(/\s+/).at(-1);
        return {
          hostPid,
          instanceId: record.id,
          name: record.name,
          kind: 'ct',
          ctid,
          pid: nsPid === undefined ? null : Number(nsPid),
          by: 'cgroup',
        };
      }
    }
    for (const vm of await this.instances.vms.list()) {
      if ((await this.qemu.pid({ id: vm.id, dir: path.join(this.vmsDir, vm.id) })) === tgid) {
        return {
          hostPid,
          instanceId: vm.id,
          name: vm.name,
          kind: 'vm',
          pid: null,
          by: 'qemu-pidfile',
        };
      }
    }
    throw notFound(`an instance owning host process ${hostPid}`);
  }

  private knownContainer(ctid: number): ContainerRecord | null {
    try {
      return this.instances.containers.resolve(String(ctid));
    } catch {
      return null;
    }
  }

  /**
   * A running container's record and init pid: the remembered init while it is still pid 1 of
   * a pid namespace in this container's group (a reused pid is neither), else asked of LXC,
   * which answers 409 for a container that is not running.
   */
  private async runningInit(id: string) {
    const record = this.instances.containers.resolve(id);
    const known = this.inits.get(record.id);
    if (known !== undefined) {
      const [status, place] = await Promise.all([
        readFile(`/proc/${known}/status`, 'utf8').catch(() => ''),
        placeOf(known),
      ]);
      const nsPid = /^NSpid:.*\s(\d+)$/m.exec(status)?.[1];
      if (nsPid === '1' && place && ctidOfGroup(place.path) === record.ctid) {
        return { record, pid: known };
      }
    }
    const { pid } = await this.instances.containers.running(id);
    this.inits.set(record.id, pid);
    return { record, pid };
  }

  /**
   * A running container's own group (an instance that is not running answers 409); the sampler
   * reads usage from it too.
   */
  async containerGroupOf(id: string) {
    const { record, pid } = await this.runningInit(id);
    const initPlace = await placeOf(pid);
    if (!initPlace)
      throw new AppError(
        ErrorCode.hostError,
        `no cgroup for the init (pid ${pid}) of CT ${record.ctid}`,
      );
    return {
      record,
      initPid: pid,
      group: { mount: initPlace.mount, path: containerGroup(initPlace.path, record.ctid) },
    };
  }

  private async listGuest(id: string): Promise<ProcessList> {
    // procps needs -e for every process; busybox takes no -e, and the oldest busybox no -o.
    for (const command of [['ps', '-e', '-o', PS_COLUMNS], ['ps', '-o', PS_COLUMNS], ['ps']]) {
      const result = await this.instances.exec(id, { command, timeoutSeconds: 20 });
      if (result.exitCode === 0)
        return { source: 'guest-agent', intervalMs: null, items: parsePs(result.stdout) };
    }
    throw new AppError(ErrorCode.hostError, 'ps failed in the guest');
  }
}

/** A host uid as the container sees it: shifted back by its id map (privileged: unchanged). */
export function insideUid(hostUid: number, record: Pick<ContainerRecord, 'idmap'>): number {
  if (!record.idmap) return hostUid;
  const inside = hostUid - record.idmap.hostBase;
  return inside >= 0 && inside < record.idmap.count ? inside : OVERFLOW_UID;
}
