import type {
  ActionOptions,
  CreateInstance,
  ExecRequest,
  ExecResult,
  Instance,
  InstanceAction,
  Operation,
  UpdateInstance,
} from '@berth/contracts';
import { badRequest, notOffered } from '@berth/contracts';
import type { Log } from '../log.js';
import type { Containers } from './containers.js';
import type { ConsoleSockets, Vms } from './vms.js';

/** Containers and VMs behind one door: routes ask here and never care which kind an id is. */
export class Instances {
  constructor(
    readonly containers: Containers,
    readonly vms: Vms,
  ) {}

  /** Names are unique across both kinds, case-insensitively. */
  readonly nameTaken = (name: string): boolean =>
    [...this.containers.names(), ...this.vms.names()].some(
      (n) => n.toLowerCase() === name.toLowerCase(),
    );

  async list(): Promise<Instance[]> {
    const [cts, vms] = await Promise.all([this.containers.list(), this.vms.list()]);
    return [...cts, ...vms];
  }

  get(id: string): Promise<Instance> {
    return this.vms.has(id) ? this.vms.get(id) : this.containers.get(id);
  }

  create(input: CreateInstance): Promise<Operation> {
    return input.kind === 'vm'
      ? this.vms.create(input, this.nameTaken)
      : this.containers.create(input, this.nameTaken);
  }

  async precheck(id: string, action: InstanceAction | 'delete', force = false): Promise<void> {
    if (this.vms.has(id)) return this.vms.precheck(id, action, force);
    // A verb containers do not have is a malformed request, whatever the container's state.
    const missing = notOffered('ct', action);
    if (missing) throw badRequest(missing);
    return this.containers.precheck(id, action, force);
  }

  action(id: string, action: InstanceAction, opts: ActionOptions): Operation {
    return this.vms.has(id)
      ? this.vms.action(id, action, opts)
      : this.containers.action(id, action, opts);
  }

  /** Privileged containers only: VMs have no user namespace to convert. */
  async unprivilege(id: string): Promise<Operation> {
    if (this.vms.has(id)) throw badRequest(notOffered('vm', 'unprivilege') as string);
    await this.containers.precheck(id, 'unprivilege');
    return this.containers.unprivilege(id);
  }

  update(id: string, patch: UpdateInstance): Promise<Instance> {
    if (this.vms.has(id)) return this.vms.update(id, patch);
    if (patch.cdrom !== undefined) throw badRequest('cdrom is for VMs');
    return this.containers.update(id, patch);
  }

  exec(id: string, req: ExecRequest): Promise<ExecResult> {
    return this.vms.has(id) ? this.vms.exec(id, req) : this.containers.exec(id, req);
  }

  async screenshot(id: string): Promise<Buffer> {
    if (!this.vms.has(id)) {
      await this.containers.get(id);
      throw badRequest(notOffered('ct', 'screenshot') as string);
    }
    return this.vms.screenshot(id);
  }

  async consoleSockets(id: string): Promise<ConsoleSockets> {
    if (!this.vms.has(id)) {
      await this.containers.get(id);
      throw badRequest('containers have no screen or serial port; open a shell instead');
    }
    return this.vms.consoleSockets(id);
  }

  runningContainer(id: string) {
    if (this.vms.has(id)) {
      throw badRequest('shells are for containers; a VM has its screen and serial console');
    }
    return this.containers.running(id);
  }

  delete(id: string, force: boolean): Operation {
    return this.vms.has(id) ? this.vms.delete(id, force) : this.containers.delete(id, force);
  }

  /** Starts every stopped instance marked onboot; failures are logged, not fatal. */
  async startOnboot(log: Log): Promise<void> {
    for (const instance of await this.list()) {
      if (!instance.onboot || instance.state !== 'stopped') continue;
      try {
        this.action(instance.id, 'start', { timeoutSeconds: 30, force: false });
      } catch (err) {
        log.warn({ instance: instance.name, err: (err as Error).message }, 'onboot start failed');
      }
    }
  }

  async close(): Promise<void> {
    this.vms.close();
    await this.containers.close();
  }
}
