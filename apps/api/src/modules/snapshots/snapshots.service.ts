import type {
  CreateSnapshotRequest,
  RevertSnapshotRequest,
  SnapshotList,
  Task,
} from '@berth/contracts';
import type { Hosts } from '../hosts/hosts.service.js';
import type { Tasks } from '../tasks/tasks.service.js';

/** Snapshots of an instance on its host's agent; taking, reverting and deleting are tasks. */
export class SnapshotsService {
  constructor(
    private readonly hosts: Hosts,
    private readonly tasks: Tasks,
  ) {}

  async list(id: string): Promise<SnapshotList> {
    const instance = await this.hosts.findInstance(id);
    return this.hosts.client(instance.hostId).snapshots(instance.id);
  }

  async take(userId: string, id: string, request: CreateSnapshotRequest): Promise<Task> {
    const instance = await this.hosts.findInstance(id);
    return this.tasks.track(
      {
        kind: 'snapshot.create',
        hostId: instance.hostId,
        instanceId: instance.id,
        userId,
      },
      () => this.hosts.client(instance.hostId).takeSnapshot(instance.id, request),
    );
  }

  async revert(
    userId: string,
    id: string,
    name: string,
    request: RevertSnapshotRequest,
  ): Promise<Task> {
    const instance = await this.hosts.findInstance(id);
    return this.tasks.track(
      {
        kind: 'snapshot.revert',
        hostId: instance.hostId,
        instanceId: instance.id,
        userId,
      },
      () => this.hosts.client(instance.hostId).revertSnapshot(instance.id, name, request),
    );
  }

  async remove(userId: string, id: string, name: string): Promise<Task> {
    const instance = await this.hosts.findInstance(id);
    return this.tasks.track(
      {
        kind: 'snapshot.delete',
        hostId: instance.hostId,
        instanceId: instance.id,
        userId,
      },
      () => this.hosts.client(instance.hostId).deleteSnapshot(instance.id, name),
    );
  }
}
