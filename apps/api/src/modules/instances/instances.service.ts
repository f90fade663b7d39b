import type {
  ActionOptions,
  CreateInstance,
  ExecRequest,
  ExecResult,
  Instance,
  InstanceAction,
  Task,
  UpdateInstance,
} from '@berth/contracts';
import type { AuditNote } from '../audit/audit.service.js';
import { diff } from '../audit/diff.js';
import type { Hosts } from '../hosts/hosts.service.js';
import type { LicensesService } from '../licenses/licenses.service.js';
import type { Tasks } from '../tasks/tasks.service.js';

/** Instance work on the right host's agent, each mutation tracked as a task. */
export class InstancesService {
  constructor(
    private readonly hosts: Hosts,
    private readonly tasks: Tasks,
    private readonly licenses: LicensesService,
  ) {}

  list(): Promise<Instance[]> {
    return this.hosts.instances();
  }

  get(id: string): Promise<Instance> {
    return this.hosts.findInstance(id);
  }

  async create(userId: string, spec: CreateInstance, wantedHost?: string): Promise<Task> {
    const { hostId, client } = this.hosts.pick(wantedHost);
    await this.licenses.admitHost(hostId);
    return this.tasks.track(
      { kind: 'instance.create', hostId, instanceId: null, userId },
      async () => {
        const { operation } = await client.createInstance(spec);
        if (operation.target) this.hosts.placed(hostId, operation.target);
        return { operation, instanceId: operation.target };
      },
    );
  }

  /** Changes settings; `note` gets the changed ones' values before and after, for the audit row. */
  async update(id: string, patch: UpdateInstance, note?: AuditNote): Promise<Instance> {
    const instance = await this.hosts.findInstance(id);
    const updated = await this.hosts.client(instance.hostId).updateInstance(instance.id, patch);
    if (note)
      Object.assign(note, diff(settingsOf(instance), settingsOf(updated), Object.keys(patch)));
    return { ...updated, hostId: instance.hostId };
  }

  async action(
    userId: string,
    id: string,
    action: InstanceAction,
    opts: ActionOptions,
  ): Promise<Task> {
    const instance = await this.hosts.findInstance(id);
    if (action === 'start' && instance.state === 'stopped')
      await this.licenses.admitStart(instance.hostId, instance.kind);
    return this.tasks.track(
      { kind: `instance.${action}`, hostId: instance.hostId, instanceId: instance.id, userId },
      () => this.hosts.client(instance.hostId).action(instance.id, action, opts),
    );
  }

  /** Gives a stopped privileged container its own id range, as a task. */
  async unprivilege(userId: string, id: string): Promise<Task> {
    const instance = await this.hosts.findInstance(id);
    return this.tasks.track(
      { kind: 'instance.unprivilege', hostId: instance.hostId, instanceId: instance.id, userId },
      () => this.hosts.client(instance.hostId).unprivilege(instance.id),
    );
  }

  async exec(id: string, req: ExecRequest): Promise<ExecResult> {
    const instance = await this.hosts.findInstance(id);
    return this.hosts.client(instance.hostId).exec(instance.id, req);
  }

  async screenshot(id: string): Promise<Buffer> {
    const instance = await this.hosts.findInstance(id);
    return this.hosts.client(instance.hostId).screenshot(instance.id);
  }

  async delete(userId: string, id: string, force: boolean): Promise<Task> {
    const instance = await this.hosts.findInstance(id);
    return this.tasks.track(
      { kind: 'instance.delete', hostId: instance.hostId, instanceId: instance.id, userId },
      () => this.hosts.client(instance.hostId).deleteInstance(instance.id, force),
    );
  }
}

/** An instance's settings as a PATCH names them. */
const settingsOf = (i: Instance): Record<keyof UpdateInstance, unknown> => ({
  description: i.description,
  tags: i.tags,
  onboot: i.onboot,
  diskSizeMiB: i.kind === 'ct' ? i.diskSizeBytes / (1024 * 1024) : undefined,
  cdrom: i.vm?.cdrom,
  shell: i.shell,
  limits: i.limits,
});
