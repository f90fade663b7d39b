import type { ApplyHostUpdates, HostUpdates, Task } from '@berth/contracts';
import type { Hosts } from '../hosts/hosts.service.js';
import type { Tasks } from '../tasks/tasks.service.js';

/** A host's own updates on its agent; applying them is a task that follows the agent's upgrade. */
export class UpdatesService {
  constructor(
    private readonly hosts: Hosts,
    private readonly tasks: Tasks,
  ) {}

  host(hostId: string, refresh: boolean): Promise<HostUpdates> {
    return this.hosts.client(hostId).updates(refresh);
  }

  applyHost(userId: string, hostId: string, body: ApplyHostUpdates): Promise<Task> {
    const client = this.hosts.client(hostId);
    return this.tasks.track({ kind: 'host.upgrade', hostId, instanceId: null, userId }, () =>
      client.applyUpdates(body),
    );
  }
}
