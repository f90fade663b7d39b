import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rm, stat, statfs, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type {
  ActionOptions,
  CreateContainer,
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
  ShellSettings,
  UpdateInstance,
} from '@berth/contracts';
import {
  DEFAULT_NETWORK,
  badRequest,
  conflict,
  mergeLimits,
  notFound,
  whyNot,
  wrongState,
} from '@berth/contracts';
import { type AgentConfig, imageDir, lxcPath } from '../config.js';
import { Lxc } from '../drivers/lxc/lxc.js';
import { LxcMonitor } from '../drivers/lxc/monitor.js';
import { renderLxcConfig, vethFor } from '../drivers/lxc/config.js';
import { dropIfb, readShaping, shapeAdapter } from '../net/shaping.js';
import { ensureSubordinateRanges, pickIdRange } from '../drivers/lxc/idmap.js';
import { letContainersTraverse } from '../drivers/lxc/lxcpath-access.js';
import type { LxcInfo } from '../drivers/lxc/state.js';
import type { EventBus } from '../events.js';
import { processUptime } from '../host/proc.js';
import { hostSecurity } from '../host/security.js';
import { detectCgroup } from '../limits/cgroup.js';
import { cgroupSettings, type KeyContext } from '../limits/keys.js';
import {
  assertValidLimits,
  containerReadable,
  deviceNumber,
  expectedContainerLimits,
} from '../limits/limits.js';
import { Lxcfs } from '../limits/lxcfs.js';
import { limitsDiffer, readCgroupLimits } from '../limits/read.js';
import type { Log } from '../log.js';
import { parseCidr } from '../net/ipv4.js';
import { setHostLink } from '../net/link.js';
import type { Attached, Networks } from '../net/networks/networks.js';
import { containerIpv6, ipv6sOf } from './ct-ipv6.js';
import type { Operations } from '../operations.js';
import { loopBackings } from '../recovery/loop-mounts.js';
import {
  MiB,
  createImage,
  detachImage,
  growImage,
  waitDetached,
  withMountedImage,
} from '../storage/disk-image.js';
import { assertFreeSpace, explainNoSpace } from '../storage/free-space.js';
import { hostFileCapabilities, shiftOwnership, type IdRange } from '../storage/id-shift.js';
import type { Step } from '../journal/journal.js';
import { DEFAULT_POOL, type Pools } from '../storage/pools/pools.js';
import { snapshotDir } from '../snapshots/containers.js';
import type { Templates } from '../templates/templates.js';
import { BusyGuard } from './busy.js';
import { containerAddress } from './container-address.js';
import { adaptersOf } from './ct-adapters.js';
import { StateNotes } from './state-notes.js';
import { customizeRootfs } from './customize.js';
import type { ContainerRecord } from './record.js';
import { RecordStore } from './record-store.js';

const FIRST_CTID = 101;

const shellOf = (record: ContainerRecord): ShellSettings =>
  record.shell ?? { program: null, user: null };

/** Limits as kept: the private area's size lives in diskSizeBytes, once. */
const withoutSize = (limits: Limits): Limits => {
  const out: Limits = { ...limits, disk: { ...limits.disk } };
  delete out.disk?.sizeMiB;
  if (!Object.keys(out.disk ?? {}).length) delete out.disk;
  return out;
};

/** Container lifecycle: validation up front, long work as operations, one operation per container at a time. */
export class Containers {
  readonly lxc: Lxc;
  private readonly store: RecordStore<ContainerRecord>;
  private readonly monitor: LxcMonitor;
  /** Public for the snapshot driver, whose work on a container is one of its operations. */
  readonly busy: BusyGuard;
  /** Names, CT IDs and addresses claimed by creates still in progress. */
  private readonly pending = {
    names: new Set<string>(),
    ctids: new Set<number>(),
    ips: new Set<string>(),
    idmaps: new Set<IdRange>(),
  };
  /** Subordinate ranges other users own on this host: never given to a container. */
  private foreignIds: IdRange[] = [];
  private readonly states: StateNotes;
  private readonly lxcfs: Lxcfs;

  constructor(
    private readonly config: AgentConfig,
    private readonly templates: Templates,
    private readonly pools: Pools,
    private readonly networks: Networks,
    ops: Operations,
    events: EventBus,
    private readonly log: Log,
  ) {
    this.busy = new BusyGuard(ops);
    this.states = new StateNotes(events);
    this.lxc = new Lxc(lxcPath(config));
    // LXC's own lxcpath: the record sits beside LXC's config in the directory named for the CT ID.
    this.store = new RecordStore({
      root: lxcPath(config),
      file: 'berth.json',
      dirName: (record) => String(record.ctid),
      isRecordDir: (entry) => /^\d+$/.test(entry),
      order: (a, b) => a.ctid - b.ctid,
    });
    this.monitor = new LxcMonitor(lxcPath(config), (ctid, state) => this.onMonitor(ctid, state));
    this.lxcfs = new Lxcfs(log);
  }

  /** Rediscovers containers left by an earlier agent; starts onboot ones after a host boot. */
  async init(): Promise<void> {
    // Owner-only: the data dir above becomes passable by others (see letContainersTraverse).
    await mkdir(imageDir(this.config), { recursive: true, mode: 0o700 });
    await mkdir(lxcPath(this.config), { recursive: true });
    await letContainersTraverse(lxcPath(this.config));
    this.foreignIds = await ensureSubordinateRanges();
    // Before any container starts, so each gets lxcfs's files through Debian's LXC hook.
    await this.lxcfs.start();
    const records = await this.store.load();
    this.pools.countMembersWith((pool) =>
      this.store
        .all()
        .filter((r) => this.poolOf(r) === pool)
        .map((r) => ({ id: r.id, name: r.name })),
    );
    // One lxc-ls for all: an lxc-info per container would make start-up slow with hundreds.
    const infoOf = await this.lxc.infoAll();
    const backings = await loopBackings();
    for (const record of records) {
      await this.writeLxcConfig(record);
      const known = infoOf(record.ctid) ?? (await this.lxc.info(record.ctid));
      this.states.set(record.id, known.state);
      // The record is what limits should be: a change the last agent died in the middle of
      // (or a disk throttle lost with its loop device) is put right here. Idempotent.
      if (
        (known.state === 'running' || known.state === 'frozen') &&
        !(await this.limitsInForce(record, known.pid, backings))
      ) {
        await this.applyLimits(record, record.limits ?? {}).catch((err: Error) =>
          this.log.warn({ ctid: record.ctid, err: err.message }, 'limits not reapplied'),
        );
      } else if (record.limits?.network?.egressKbps) {
        // It stopped while no agent watched: its IFB devices stayed.
        for (const { veth } of adaptersOf(record)) await dropIfb(veth);
      }
    }
    await this.monitor.start();
    this.log.info({ count: records.length }, 'rediscovered containers');
  }

  async close(): Promise<void> {
    this.lxcfs.stop();
    await this.monitor.stop();
  }

  async list(): Promise<Instance[]> {
    const infoOf = await this.lxc.infoAll();
    // One look at the loop devices for the whole list, not one per running container.
    const backings = await loopBackings();
    return Promise.all(this.store.all().map((r) => this.toInstance(r, infoOf(r.ctid), backings)));
  }

  async get(idOrCtid: string): Promise<Instance> {
    return this.toInstance(this.resolve(idOrCtid));
  }

  resolve(idOrCtid: string): ContainerRecord {
    const record = /^\d+$/.test(idOrCtid)
      ? this.store.all().find((r) => r.ctid === Number(idOrCtid))
      : this.store.get(idOrCtid);
    if (!record) throw notFound(`instance ${idOrCtid}`);
    return record;
  }

  names(): string[] {
    return [...this.store.all().map((r) => r.name), ...this.pending.names];
  }

  async create(input: CreateContainer, nameTaken: (name: string) => boolean): Promise<Operation> {
    // The awaits come first: from here to the reservation below nothing may yield,
    // or two concurrent creates could pick the same CT ID or address.
    if (input.limits) await assertValidLimits(input.limits, 'ct');
    await this.templates.assertKnown(input.template);
    const pool = input.pool ?? this.pools.defaultName;
    await this.pools.writable(pool);
    const diskSizeBytes = (input.limits?.disk?.sizeMiB ?? input.diskSizeMiB) * MiB;
    const minDisk = await this.templates.minDiskBytes(input.template);
    if (minDisk !== null && diskSizeBytes < minDisk) {
      throw badRequest(
        `template ${input.template} needs a disk of at least ${Math.ceil(minDisk / MiB)} MiB`,
        'diskSizeMiB',
      );
    }
    const name = input.name;
    const network = this.networks.get(input.network);
    // Checked before the claims below (nothing to undo on a 409), claimed with them: no yield.
    const v6 = containerIpv6(input.ipv6, network, [
      ...ipv6sOf(this.store.all()),
      ...this.pending.ips,
    ]);
    const { ctid, ipv4, idmap } = this.reserve(input, nameTaken);
    if (v6.ipv6) this.pending.ips.add(v6.ipv6.split('/')[0] as string);
    const gateway = parseCidr(network.ipv4).ip;
    // On a network with DNS names its gateway resolves them (and forwards the rest).
    const namedByNetwork = input.dns.length === 0 && network.dnsDomain ? network.dnsDomain : null;
    const record: ContainerRecord = {
      id: randomUUID(),
      ctid,
      name,
      hostname: input.hostname ?? name,
      template: input.template,
      ipv4,
      gateway: input.gateway ?? gateway,
      ...v6,
      dns: namedByNetwork ? [gateway] : input.dns,
      ...(namedByNetwork && { dnsSearch: namedByNetwork }),
      onboot: input.onboot,
      diskSizeBytes,
      description: input.description,
      tags: input.tags,
      createdAt: new Date().toISOString(),
      pool,
      network: input.network,
      ...(input.networkMode === 'routed' && { networkMode: 'routed' as const }),
      ...(idmap && { idmap }),
      ...(input.limits && { limits: withoutSize(input.limits) }),
    };
    try {
      await this.assertRoomFor(record);
    } catch (err) {
      this.release(record);
      throw err;
    }
    return this.busy.start(
      record.id,
      'instance.create',
      async (progress, step) => {
        try {
          return await this.build(record, input.rootPassword, progress, step);
        } finally {
          this.release(record);
        }
      },
      {
        type: 'ct.create',
        ctid,
        image: this.imageOf(record),
        lxcDir: this.store.dirOf(record),
      },
    );
  }

  /**
   * Claims a name, CT ID, address and id range for a new container (a create, a clone); they
   * stay claimed until `release`. Synchronous: nothing may yield between the checks and the
   * claim, or two concurrent creates could pick the same CT ID or address.
   */
  reserve(
    want: Pick<CreateContainer, 'name' | 'ctid' | 'ipv4' | 'privileged'> & { network?: string },
    nameTaken: (name: string) => boolean,
  ): { ctid: number; ipv4: string; idmap?: IdRange } {
    const records = this.store.all();
    if (nameTaken(want.name)) {
      throw conflict(`an instance named ${want.name} exists already`, 'name');
    }
    const ctids = new Set([...records.map((r) => r.ctid), ...this.pending.ctids]);
    const ctid = want.ctid ?? this.nextCtid(ctids);
    if (ctids.has(ctid)) throw conflict(`CT ID ${ctid} is in use`, 'ctid');
    if (this.hasRemains(ctid)) {
      throw conflict(`CT ID ${ctid} still has files on disk (its image or LXC folder)`, 'ctid');
    }
    const network = want.network ?? DEFAULT_NETWORK;
    const ipv4 = containerAddress(want.ipv4, this.networks.get(network), [
      ...records.map((r) => r.ipv4.split('/')[0] as string),
      ...this.pending.ips,
      // VMs' static leases; a new container has no id yet to leave out.
      ...this.networks.addressesInUse(network, ''),
    ]);
    const idmap = want.privileged ? undefined : this.nextIdRange(records);
    this.pending.names.add(want.name.toLowerCase());
    this.pending.ctids.add(ctid);
    this.pending.ips.add(ipv4.split('/')[0] as string);
    if (idmap) this.pending.idmaps.add(idmap);
    return { ctid, ipv4, ...(idmap && { idmap }) };
  }

  /** Makes a container whose private area is written visible: its LXC config, then its record (the commit point). */
  async commit(record: ContainerRecord): Promise<Instance> {
    await this.writeLxcConfig(record);
    return this.saveRecord(record);
  }

  release(record: ContainerRecord): void {
    this.pending.names.delete(record.name.toLowerCase());
    this.pending.ctids.delete(record.ctid);
    this.pending.ips.delete(record.ipv4.split('/')[0] as string);
    if (record.ipv6) this.pending.ips.delete(record.ipv6.split('/')[0] as string);
    if (record.idmap) this.pending.idmaps.delete(record.idmap);
  }

  private nextIdRange(records: readonly ContainerRecord[]): IdRange {
    const taken = [...records.flatMap((r) => (r.idmap ? [r.idmap] : [])), ...this.pending.idmaps];
    const range = pickIdRange(taken, this.foreignIds);
    if (!range) {
      throw conflict('every id range for unprivileged containers is in use on this host');
    }
    return range;
  }

  /** The image is sparse: what it takes on disk is about the template's unpacked tree. */
  private async assertRoomFor({ template, ...record }: ContainerRecord): Promise<void> {
    const needed = await this.templates.minDiskBytes(template);
    if (needed !== null) {
      await assertFreeSpace(path.dirname(this.imageOf(record)), needed, `template ${template}`);
    }
  }

  action(id: string, action: InstanceAction, opts: ActionOptions): Operation {
    const record = this.resolve(id);
    return this.busy.start(record.id, `instance.${action}`, async (progress, step) => {
      const { state } = await this.assertCan(record, action);
      await step(`ct.${action}`);
      switch (action) {
        case 'start':
          progress(10, 'starting');
          await this.lxc.start(record.ctid);
          await this.applyDeviceLimits(record);
          break;
        case 'stop':
          await this.stop(record, state, opts, progress);
          break;
        case 'restart':
          await this.stop(record, state, opts, progress);
          progress(60, 'starting');
          await this.lxc.start(record.ctid);
          await this.applyDeviceLimits(record);
          break;
        case 'suspend':
          await this.lxc.freeze(record.ctid);
          break;
        case 'resume':
          await this.lxc.unfreeze(record.ctid);
          break;
      }
      return this.publishState(record);
    });
  }

  /**
   * Gives a stopped privileged container its own id range: its files move to those ids and its
   * LXC config gets the idmap and confinement of new containers. Saving the record is the commit
   * point; a kill before it is finished by the next start (see the journal replay), since a
   * half-shifted tree can be walked again but not told apart from the original.
   */
  unprivilege(id: string): Operation {
    const record = this.resolve(id);
    if (record.idmap) throw conflict(`CT ${record.ctid} is unprivileged already`);
    const idmap = this.nextIdRange(this.store.all());
    const image = this.imageOf(record);
    this.pending.idmaps.add(idmap);
    try {
      return this.busy.start(
        record.id,
        'instance.unprivilege',
        async (progress, step) => {
          try {
            await this.assertCan(record, 'unprivilege');
            // Owners change in place: no data is written, so there is no free space to check.
            progress(5, 'mounting the private area');
            await waitDetached(image);
            await withMountedImage(image, async (root) => {
              const caps = await hostFileCapabilities(root);
              await step('ct.unprivilege.shift', { mountDir: root, caps });
              // The filesystem's used inodes are the walk's length, near enough for a bar.
              const { files, ffree } = await statfs(root);
              const total = Math.max(1, files - ffree);
              let shown = -1;
              await shiftOwnership(root, idmap, {
                capped: caps,
                progress: (entries) => {
                  const percent = 10 + Math.floor(Math.min(1, entries / total) * 80);
                  if (percent === shown) return;
                  shown = percent;
                  progress(
                    percent,
                    `giving ${entries} of ~${total} files to host ids from ${idmap.hostBase}`,
                  );
                },
              });
            });
            progress(90, 'writing the configuration');
            await step('ct.unprivilege.config');
            const next: ContainerRecord = { ...this.resolve(record.id), idmap };
            await this.store.save(next);
            await this.writeLxcConfig(next);
            const instance = await this.toInstance(next);
            this.states.updated(instance);
            return instance;
          } finally {
            this.pending.idmaps.delete(idmap);
          }
        },
        {
          type: 'ct.unprivilege',
          ctid: record.ctid,
          image,
          lxcDir: this.store.dirOf(record),
          idmap,
        },
      );
    } catch (err) {
      this.pending.idmaps.delete(idmap);
      throw err;
    }
  }

  /** Checks the current state synchronously so a wrong-state request is a 409, not a failed task. */
  async precheck(
    id: string,
    action: InstanceAction | 'delete' | 'unprivilege',
    force = false,
  ): Promise<void> {
    const record = this.resolve(id);
    this.busy.assertIdle(record.id);
    if (!(action === 'delete' && force)) await this.assertCan(record, action);
  }

  async update(id: string, patch: UpdateInstance): Promise<Instance> {
    const record = this.resolve(id);
    this.busy.assertIdle(record.id);
    const next: ContainerRecord = {
      ...record,
      description: patch.description ?? record.description,
      tags: patch.tags ?? record.tags,
      onboot: patch.onboot ?? record.onboot,
      shell: { ...shellOf(record), ...patch.shell },
    };
    // Everything is checked before anything is changed: a refusal leaves the config as it was.
    let diskSizeMiB = patch.diskSizeMiB;
    if (patch.limits) {
      if (patch.limits.disk?.inodes !== undefined) {
        throw badRequest(
          'disk.inodes is set when the container is created; make a new one for another count',
          'limits.disk.inodes',
        );
      }
      const wanted = mergeLimits(record.limits ?? {}, patch.limits);
      await assertValidLimits(wanted, 'ct');
      diskSizeMiB = patch.limits.disk?.sizeMiB ?? diskSizeMiB;
      next.limits = withoutSize(wanted);
    }
    if (diskSizeMiB !== undefined) {
      const bytes = diskSizeMiB * MiB;
      const field = patch.limits?.disk?.sizeMiB ? 'limits.disk.sizeMiB' : 'diskSizeMiB';
      if (bytes < record.diskSizeBytes) {
        throw badRequest(
          `disks can only grow: ${record.diskSizeBytes / MiB} MiB now, ${diskSizeMiB} MiB asked`,
          field,
        );
      }
      await this.busy.hold(record.id, 'instance.resize', async () => {
        // A container that stopped by itself may still hold its image for a moment.
        if ((await this.lxc.info(record.ctid)).state === 'stopped') {
          await waitDetached(this.imageOf(record));
        }
        await growImage(this.imageOf(record), bytes);
      });
      next.diskSizeBytes = bytes;
    }
    if (patch.limits) await this.changeLimits(record, next.limits ?? {});
    await this.store.save(next);
    await this.writeLxcConfig(next);
    const instance = await this.toInstance(next);
    this.states.updated(instance);
    return instance;
  }

  /** A running container's record and init pid, for opening a console in it. */
  async running(id: string): Promise<{ record: ContainerRecord; pid: number }> {
    const record = this.resolve(id);
    const { pid } = await this.assertCan(record, 'console');
    if (!pid) throw wrongState('the container has no init process yet');
    return { record, pid };
  }

  async exec(id: string, req: ExecRequest): Promise<ExecResult> {
    const record = this.resolve(id);
    await this.assertCan(record, 'exec');
    const result = await this.lxc.attach(record.ctid, req.command, {
      timeoutMs: req.timeoutSeconds * 1000,
      input: req.stdin,
    });
    return {
      exitCode: result.code,
      stdout: result.stdout,
      stderr: result.stderr,
      timedOut: result.timedOut,
    };
  }

  delete(id: string, force: boolean): Operation {
    const record = this.resolve(id);
    const intent = {
      type: 'ct.delete' as const,
      ctid: record.ctid,
      image: this.imageOf(record),
      lxcDir: this.store.dirOf(record),
      lxcpath: lxcPath(this.config),
    };
    return this.busy.start(
      record.id,
      'instance.delete',
      async (progress) => {
        const { state } = await this.lxc.info(record.ctid);
        const reason = whyNot('ct', 'delete', state);
        if (reason) {
          if (!force) throw wrongState(reason);
          progress(10, 'stopping');
          if (state === 'frozen') await this.lxc.unfreeze(record.ctid);
          await this.lxc.stop(record.ctid, 0, true);
        }
        progress(50, 'removing the private area');
        await detachImage(this.imageOf(record));
        await rm(this.imageOf(record), { force: true });
        await rm(snapshotDir(path.dirname(this.imageOf(record)), record.ctid), {
          recursive: true,
          force: true,
        });
        await this.store.remove(record);
        this.states.deleted(record.id);
        return { id: record.id };
      },
      intent,
    );
  }

  /** The container's current LXC state, when the verb may run from it. */
  private async assertCan(record: ContainerRecord, verb: InstanceVerb): Promise<LxcInfo> {
    const info = await this.lxc.info(record.ctid);
    const reason = whyNot('ct', verb, info.state);
    if (reason) throw wrongState(reason);
    if ((verb === 'start' || verb === 'restart') && this.resolve(record.id).disabled) {
      throw wrongState(`CT ${record.ctid} is disabled; enable it before starting it`);
    }
    return info;
  }

  private async build(
    record: ContainerRecord,
    rootPassword: string | undefined,
    progress: Progress,
    step: Step,
  ): Promise<Instance> {
    const image = this.imageOf(record);
    let imageMade = false;
    let writing = image;
    try {
      await this.templates.ensure(record.template, (f, m) => progress(f * 30, `template: ${m}`));
      const custom = await this.templates.custom.meta(record.template);
      if (custom) record.haltSignal = custom.haltSignal;
      const minDisk = await this.templates.minDiskBytes(record.template);
      if (minDisk !== null && record.diskSizeBytes < minDisk) {
        throw badRequest(
          `template ${record.template} needs a disk of at least ${Math.ceil(minDisk / MiB)} MiB`,
        );
      }
      await this.assertRoomFor(record);
      progress(31, 'allocating the private area');
      await step('ct.create.image');
      imageMade = true;
      await createImage(image, record.diskSizeBytes, record.limits?.disk?.inodes);
      progress(35, 'unpacking the template');
      await withMountedImage(image, async (root) => {
        await step('ct.create.unpack', { mountDir: root });
        await this.templates.extract(record.template, root, (f, m) => progress(35 + f * 55, m));
        await customizeRootfs(root, { ...record, rootPassword });
        if (record.idmap) {
          await step('ct.create.shift', { mountDir: root });
          await shiftOwnership(root, record.idmap);
        }
      });
      progress(95, 'writing the configuration');
      writing = this.store.dirOf(record);
      await this.writeLxcConfig(record);
      await step('ct.create.config');
      // Saving the record is the commit point: before it, nothing of this container is visible.
      await this.store.save(record);
      const instance = await this.toInstance(record);
      this.states.updated(instance);
      return instance;
    } catch (err) {
      if (imageMade) {
        await detachImage(image);
        await rm(image, { force: true });
      }
      await rm(this.store.dirOf(record), { recursive: true, force: true });
      throw await explainNoSpace(err, writing);
    }
  }

  private async stop(
    record: ContainerRecord,
    state: InstanceState,
    opts: ActionOptions,
    progress: Progress,
  ) {
    if (state === 'frozen') await this.lxc.unfreeze(record.ctid);
    progress(10, opts.force ? 'killing' : `shutting down (killed after ${opts.timeoutSeconds}s)`);
    await this.lxc.stop(record.ctid, opts.timeoutSeconds, opts.force);
    // Stopped means the disk is free again, for a grow right after, say.
    await waitDetached(this.imageOf(record));
  }

  /**
   * Changes a running container's cgroups to `limits`; the config (written after) has them for
   * the next start. Should the kernel refuse one (a memory limit below what is in use, say),
   * the old limits are put back and the change is refused as a whole.
   */
  private async changeLimits(record: ContainerRecord, limits: Limits): Promise<void> {
    await this.busy.hold(record.id, 'instance.limits', async () => {
      const { state } = await this.lxc.info(record.ctid);
      if (state !== 'running' && state !== 'frozen') return;
      try {
        await this.applyLimits(record, limits, record.limits ?? {});
      } catch (err) {
        await this.applyLimits(record, record.limits ?? {}).catch(() => undefined);
        throw conflict(`the kernel refused the new limits: ${(err as Error).message}`, 'limits');
      }
    });
  }

  /**
   * Writes limits (and lifts unset ones) into the running container's cgroups. Given what is in
   * force now (`from`), only the controllers whose files change are written, each whole: v1's
   * memory and memory+swap must move together in the right order.
   */
  private async applyLimits(record: ContainerRecord, limits: Limits, from?: Limits): Promise<void> {
    const ctx = await this.keyContext(record);
    const next = cgroupSettings(limits, ctx, true);
    const now = from ? cgroupSettings(from, ctx, true) : [];
    const changed = new Set(
      next
        .filter((s, i) => !from || now[i]?.key !== s.key || now[i]?.value !== s.value)
        .map((s) => s.controller),
    );
    for (const { controller, key, value } of next) {
      if (changed.has(controller)) await this.lxc.cgroup(record.ctid, key, value);
    }
    const shaping = JSON.stringify(limits.network ?? {});
    if ((limits.network || from?.network) && shaping !== JSON.stringify(from?.network ?? {})) {
      for (const { veth } of adaptersOf(record)) await shapeAdapter(veth, limits.network);
    }
  }

  /**
   * Whether the kernel holds the recorded limits, read from cgroup files: writing them all again
   * takes an lxc-cgroup per controller, minutes for an agent starting with hundreds running.
   * Rate limits are not read here (two `tc` per container), so a shaped container is rewritten.
   */
  private async limitsInForce(
    record: ContainerRecord,
    pid: number | null,
    backings: Map<string, string>,
  ): Promise<boolean> {
    if (record.limits?.network) return false;
    const view = await this.limitsView(record, pid, backings);
    return view.effectiveLimits !== null && view.limitsDiffer.length === 0;
  }

  /**
   * Disk throttles name the container's loop device and rate limits its veth, which exist only
   * once it runs: the config cannot hold them, so each start writes them.
   */
  private async applyDeviceLimits(record: ContainerRecord): Promise<void> {
    for (const { veth, link } of adaptersOf(record)) {
      if (record.limits?.network) await shapeAdapter(veth, record.limits.network);
      if (link === 'down') await setHostLink(veth, 'down');
    }
    const ctx = await this.keyContext(record);
    const all = cgroupSettings(record.limits ?? {}, ctx, false);
    for (const { key, value } of all.filter((s) =>
      ctx.devices.some((d) => s.value.startsWith(`${d} `)),
    )) {
      await this.lxc.cgroup(record.ctid, key, value);
    }
  }

  private async keyContext(
    record: ContainerRecord,
    backings?: Map<string, string>,
  ): Promise<KeyContext> {
    const image = this.imageOf(record);
    const loop = [...(backings ?? (await loopBackings()))].find(([, file]) => file === image)?.[0];
    const dev = loop ? await deviceNumber(loop) : null;
    return { cgroup: await detectCgroup(), hostCpus: os.cpus().length, devices: dev ? [dev] : [] };
  }

  /**
   * Configured limits, those in force (read from the kernel while it runs) and where they part.
   * Rate limits are read back only for one instance: that takes two `tc` processes, too many for
   * each running container of every list (the lists the UI and the API’s puller keep asking for);
   * a list is the caller that passes `backings`, the loop devices it read once for all.
   */
  private async limitsView(
    record: ContainerRecord,
    pid: number | null,
    backings?: Map<string, string>,
  ): Promise<Pick<Instance, 'limits' | 'effectiveLimits' | 'limitsDiffer'>> {
    const readShaped = backings === undefined && record.limits?.network !== undefined;
    const configured = record.limits ?? {};
    const limits = {
      ...configured,
      disk: { ...configured.disk, sizeMiB: Math.floor(record.diskSizeBytes / MiB) },
    };
    if (!pid) return { limits, effectiveLimits: null, limitsDiffer: [] };
    const ctx = await this.keyContext(record, backings);
    const effective = await readCgroupLimits(pid, ctx.cgroup, ctx.hostCpus, ctx.devices).catch(
      () => null,
    );
    if (!effective) return { limits, effectiveLimits: null, limitsDiffer: [] };
    if (readShaped) {
      const shaped = await readShaping(vethFor(record.id));
      if (Object.keys(shaped).length > 0) effective.network = shaped;
    }
    // The private area's size in force is its image file's.
    const image = await stat(this.imageOf(record)).catch(() => null);
    if (image) effective.disk = { ...effective.disk, sizeMiB: Math.floor(image.size / MiB) };
    const expected = expectedContainerLimits(configured, ctx.cgroup, ctx.hostCpus);
    const readable = containerReadable(ctx.cgroup, ctx.devices.length > 0, readShaped);
    return {
      limits,
      effectiveLimits: effective,
      limitsDiffer: limitsDiffer(expected, effective, readable),
    };
  }

  private async toInstance(
    record: ContainerRecord,
    known?: LxcInfo,
    backings?: Map<string, string>,
  ): Promise<Instance> {
    const info = known ?? (await this.lxc.info(record.ctid));
    const live = info.pid && (info.state === 'running' || info.state === 'frozen');
    const uptime = live ? await processUptime(info.pid as number) : null;
    return {
      id: record.id,
      kind: 'ct',
      ctid: record.ctid,
      privileged: record.idmap === undefined,
      nics: adaptersOf(record).map((a) => ({
        network: a.network,
        mac: a.mac,
        ipv4: a.ipv4,
        ipv6: a.index === 0 ? (record.ipv6 ?? null) : null,
        ...(a.mode && { mode: a.mode }),
      })),
      name: record.name,
      hostname: record.hostname,
      hostId: null,
      state: info.state,
      template: record.template,
      ips: info.ips.length > 0 ? info.ips : [record.ipv4.split('/')[0] as string],
      dns: record.dns,
      uptimeSeconds: uptime,
      onboot: record.onboot,
      diskSizeBytes: record.diskSizeBytes,
      description: record.description,
      tags: record.tags,
      createdAt: record.createdAt,
      vm: null,
      shell: shellOf(record),
      disabled: record.disabled === true,
      pool: this.poolOf(record),
      ...(await this.limitsView(record, live ? info.pid : null, backings)),
    };
  }

  private async publishState(record: ContainerRecord): Promise<Instance> {
    const instance = await this.toInstance(record);
    this.states.note(record.id, instance.state);
    return instance;
  }

  private onMonitor(ctid: number, state: InstanceState): void {
    const record = this.store.all().find((r) => r.ctid === ctid);
    if (!record) return;
    this.states.note(record.id, state);
    // The veth went with the container; the IFB device that shaped what it sent did not.
    if (state === 'stopped' && record.limits?.network?.egressKbps) {
      for (const { veth } of adaptersOf(record)) void dropIfb(veth).catch(() => undefined);
    }
  }

  /** Skips CT IDs something of which is still on disk: reusing one would trip over it (EEXIST). */
  private nextCtid(used: ReadonlySet<number>): number {
    let ctid = FIRST_CTID;
    while (used.has(ctid) || this.hasRemains(ctid)) ctid++;
    return ctid;
  }

  // Synchronous on purpose: the CT ID is picked without yielding (see create).
  private hasRemains(ctid: number): boolean {
    return (
      this.pools.anyHas(`${ctid}.img`) || existsSync(path.join(lxcPath(this.config), String(ctid)))
    );
  }

  /** Records from before pools name none: their images were in what became `default`. */
  poolOf(record: Pick<ContainerRecord, 'pool'>): string {
    return record.pool ?? DEFAULT_POOL;
  }

  /** The private area: `<ctid>.img` in the folder of the container's pool. */
  imageOf(record: Pick<ContainerRecord, 'pool' | 'ctid'>): string {
    return path.join(this.pools.driver(this.poolOf(record)).root, `${record.ctid}.img`);
  }

  /** Records from before networks name none: they were on the configured bridge, now `default`. */
  networkOf(record: Pick<ContainerRecord, 'network'>): string {
    return record.network ?? DEFAULT_NETWORK;
  }

  /** Every container's record (settings checked across the host, a MAC in use, say). */
  records(): ContainerRecord[] {
    return this.store.all();
  }

  /** The containers with an adapter on a network, with its address and the host end of its veth. */
  onNetwork(network: string): Attached[] {
    return this.store.all().flatMap((r) =>
      adaptersOf(r)
        .filter((a) => a.network === network)
        .map((a) => ({
          id: r.id,
          name: r.name,
          kind: 'ct' as const,
          ipv4: a.ipv4,
          ipv6: a.index === 0 ? (r.ipv6 ?? null) : null,
          // A routed adapter belongs on no bridge.
          ports: a.mode === 'routed' ? [] : [a.veth],
        })),
    );
  }

  /**
   * Moves a stopped container's adapter to another network with an address from there. The
   * record is the commit point: LXC's config is written from it here and at every start.
   */
  async setNetwork(id: string, req: SetInstanceNetwork): Promise<Instance> {
    const record = this.resolve(id);
    return this.busy.hold(record.id, 'instance.configure', async () => {
      if ((await this.lxc.info(record.ctid)).state !== 'stopped') {
        throw wrongState('stop the container before moving it to another network');
      }
      if (this.networkOf(record) === req.network && !req.ipv4) {
        throw conflict(`${record.name} is on network ${req.network} already`, 'network');
      }
      const other = record.adapters?.find((a) => a.network === req.network);
      if (other) {
        throw conflict(
          `eth${other.index} of ${record.name} is on network ${req.network}`,
          'network',
        );
      }
      const network = this.networks.get(req.network);
      const others = this.store.all().filter((r) => r.id !== record.id);
      const ipv4 = containerAddress(req.ipv4, network, [
        ...others.map((r) => r.ipv4.split('/')[0] as string),
        ...this.pending.ips,
        ...this.networks.addressesInUse(req.network, record.id),
      ]);
      const next: ContainerRecord = {
        ...record,
        network: req.network,
        ipv4,
        gateway: parseCidr(network.ipv4).ip,
        // Its IPv6 belonged to the old network; the new one's is given by a create only.
        ipv6: undefined,
        gateway6: undefined,
      };
      await this.store.save(next);
      await this.writeLxcConfig(next);
      const instance = await this.toInstance(next);
      this.states.updated(instance);
      return instance;
    });
  }

  /** Saves a record changed by work outside this class (snapshots) and tells the event stream. */
  async saveRecord(record: ContainerRecord): Promise<Instance> {
    await this.store.save(record);
    const instance = await this.toInstance(record);
    this.states.updated(instance);
    return instance;
  }

  /** The limits LXC writes into a fresh cgroup at start (not the throttles: see applyDiskThrottle). */
  private async cgroupConfig(record: ContainerRecord) {
    const cgroup = await detectCgroup();
    const ctx = { cgroup, hostCpus: os.cpus().length, devices: [] };
    return { version: cgroup.version, settings: cgroupSettings(record.limits ?? {}, ctx, false) };
  }

  dirOf(record: ContainerRecord): string {
    return this.store.dirOf(record);
  }

  async writeLxcConfig(record: ContainerRecord): Promise<void> {
    const dir = this.store.dirOf(record);
    await mkdir(dir, { recursive: true });
    await writeFile(
      path.join(dir, 'config'),
      renderLxcConfig(record, {
        image: this.imageOf(record),
        bridge: this.networks.bridgeFor(this.networkOf(record)),
        bridgeFor: (network) => this.networks.bridgeFor(network),
        haltSignal: record.haltSignal ?? this.templates.haltSignal(record.template),
        consoleLog: path.join(dir, 'console.log'),
        apparmor: (await hostSecurity()).apparmor,
        cgroup: await this.cgroupConfig(record),
      }),
    );
  }
}
