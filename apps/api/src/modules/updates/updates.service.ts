import type {
  ApplyHostUpdates,
  ContainerUpdates,
  ContainerUpdatesStarted,
  CtTemplateName,
  TemplatePackages,
  HostUpdates,
  Instance,
  Task,
} from '@berth/contracts';
import { isAppError } from '@berth/contracts';
import type { Hosts, Located } from '../hosts/hosts.service.js';
import type { Tasks } from '../tasks/tasks.service.js';

/**
 * Updates on the agents: a host's own packages, and packages inside Debian containers. Each
 * apply is a task that follows the agent's operation.
 */
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

  templatePackages(name: CtTemplateName, hostId?: string): Promise<TemplatePackages> {
    return this.hosts.pick(hostId).client.templatePackages(name);
  }

  async container(id: string): Promise<ContainerUpdates> {
    const instance = await this.hosts.findInstance(id);
    return this.hosts.client(instance.hostId).containerUpdates(instance.id);
  }

  async applyContainer(userId: string, id: string): Promise<Task> {
    return this.applyTo(userId, await this.hosts.findInstance(id));
  }

  private applyTo(userId: string, instance: Located): Promise<Task> {
    return this.tasks.track(
      { kind: 'instance.upgrade', hostId: instance.hostId, instanceId: instance.id, userId },
      () => this.hosts.client(instance.hostId).applyContainerUpdates(instance.id),
    );
  }

  /**
   * Updates every running container with the tag that `allowed` lets the caller change, one
   * task each; one that the agent refuses (no apt, busy) is listed with the agent's words.
   */
  async applyTagged(
    userId: string,
    tag: string,
    allowed: (i: Instance) => boolean,
  ): Promise<ContainerUpdatesStarted> {
    const out: ContainerUpdatesStarted = { tasks: [], skipped: [] };
    const tagged = (await this.hosts.instances()).filter(
      (i) => i.kind === 'ct' && i.tags.includes(tag) && allowed(i),
    );
    for (const i of tagged) {
      const skip = (reason: string) => out.skipped.push({ instanceId: i.id, name: i.name, reason });
      if (i.state !== 'running') {
        skip(`it is ${i.state}: start it to update its packages`);
        continue;
      }
      if (!i.hostId) {
        skip('its host is not known');
        continue;
      }
      try {
        out.tasks.push(await this.applyTo(userId, { ...i, hostId: i.hostId }));
      } catch (err) {
        if (!isAppError(err)) throw err;
        skip(err.message);
      }
    }
    return out;
  }
}
