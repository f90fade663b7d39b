import type { CloneRequest, CreatePool, Instance, MoveRequest, Pool, Task } from '@berth/contracts';
import type { Hosts } from '../hosts/hosts.service.js';
import type { Tasks } from '../tasks/tasks.service.js';

/** A host's storage pools, and clones of its containers (tasks, like creates). */
export class StorageService {
  constructor(
    private readonly hosts: Hosts,
    private readonly tasks: Tasks,
  ) {}

  list(hostId?: string): Promise<{ items: Pool[] }> {
    return this.hosts.pick(hostId).client.pools();
  }

  create(body: CreatePool, hostId?: string): Promise<Pool> {
    return this.hosts.pick(hostId).client.createPool(body);
  }

  setDefault(name: string, hostId?: string): Promise<Pool> {
    return this.hosts.pick(hostId).client.setDefaultPool(name);
  }

  delete(name: string, hostId?: string): Promise<void> {
    return this.hosts.pick(hostId).client.deletePool(name);
  }

  async move(userId: string, id: string, body: MoveRequest): Promise<Task> {
    const instance = await this.hosts.findInstance(id);
    return this.tasks.track(
      { kind: 'instance.move', hostId: instance.hostId, instanceId: instance.id, userId },
      () => this.hosts.client(instance.hostId).moveInstance(instance.id, body),
    );
  }

  /** The clone lands on its source's host; the task follows the new instance. */
  async clone(userId: string, source: Instance, body: CloneRequest): Promise<Task> {
    const hostId = source.hostId as string;
    const client = this.hosts.client(hostId);
    return this.tasks.track(
      { kind: 'instance.clone', hostId, instanceId: null, userId },
      async () => {
        const { operation } = await client.cloneInstance(source.id, body);
        if (operation.target) this.hosts.placed(hostId, operation.target);
        return { operation, instanceId: operation.target };
      },
    );
  }
}
