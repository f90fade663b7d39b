import type {
  ConvertToTemplate,
  DisableRequest,
  Instance,
  ReinstallRequest,
  RenameRequest,
  Task,
} from '@berth/contracts';
import type { Hosts } from '../hosts/hosts.service.js';
import type { Tasks } from '../tasks/tasks.service.js';

/** Container maintenance on the instance's host: rename and disable answer at once, reinstall is a task. */
export class MaintenanceService {
  constructor(
    private readonly hosts: Hosts,
    private readonly tasks: Tasks,
  ) {}

  async rename(instance: Instance, body: RenameRequest): Promise<Instance> {
    const renamed = await this.hosts
      .client(instance.hostId as string)
      .renameInstance(instance.id, body);
    return { ...renamed, hostId: instance.hostId };
  }

  async setDisabled(instance: Instance, body: DisableRequest): Promise<Instance> {
    const changed = await this.hosts
      .client(instance.hostId as string)
      .setDisabled(instance.id, body);
    return { ...changed, hostId: instance.hostId };
  }

  toTemplate(userId: string, instance: Instance, body: ConvertToTemplate): Promise<Task> {
    const hostId = instance.hostId as string;
    return this.tasks.track(
      { kind: 'instance.template', hostId, instanceId: instance.id, userId },
      () => this.hosts.client(hostId).convertToTemplate(instance.id, body),
    );
  }

  deleteTemplate(name: string, hostId?: string): Promise<void> {
    return this.hosts.pick(hostId).client.deleteTemplate(name);
  }

  reinstall(userId: string, instance: Instance, body: ReinstallRequest): Promise<Task> {
    const hostId = instance.hostId as string;
    return this.tasks.track(
      { kind: 'instance.reinstall', hostId, instanceId: instance.id, userId },
      () => this.hosts.client(hostId).reinstallInstance(instance.id, body),
    );
  }
}
