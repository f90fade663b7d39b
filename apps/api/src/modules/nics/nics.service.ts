import type { AddVmNicRequest, SetCtAdapterRequest, Task } from '@berth/contracts';
import type { Hosts } from '../hosts/hosts.service.js';
import type { Tasks } from '../tasks/tasks.service.js';

/**
 * An instance's adapters after its create, on its host's agent; adding and removing one, and a
 * container adapter's settings, are tasks.
 */
export class NicsService {
  constructor(
    private readonly hosts: Hosts,
    private readonly tasks: Tasks,
  ) {}

  async add(userId: string, id: string, request: AddVmNicRequest): Promise<Task> {
    const instance = await this.hosts.findInstance(id);
    return this.tasks.track(
      { kind: 'nic.add', hostId: instance.hostId, instanceId: instance.id, userId },
      () => this.hosts.client(instance.hostId).addNic(instance.id, request),
    );
  }

  async remove(userId: string, id: string, nic: number): Promise<Task> {
    const instance = await this.hosts.findInstance(id);
    return this.tasks.track(
      { kind: 'nic.remove', hostId: instance.hostId, instanceId: instance.id, userId },
      () => this.hosts.client(instance.hostId).removeNic(instance.id, nic),
    );
  }

  async settings(
    userId: string,
    id: string,
    nic: number,
    request: SetCtAdapterRequest,
  ): Promise<Task> {
    const instance = await this.hosts.findInstance(id);
    return this.tasks.track(
      { kind: 'nic.configure', hostId: instance.hostId, instanceId: instance.id, userId },
      () => this.hosts.client(instance.hostId).setNicSettings(instance.id, nic, request),
    );
  }
}
