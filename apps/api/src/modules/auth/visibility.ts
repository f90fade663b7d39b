import type { ApiEvent, Task } from '@berth/contracts';
import { can } from '@berth/contracts';
import type { Hosts } from '../hosts/hosts.service.js';
import type { Principal } from './auth.service.js';

/**
 * What a user with scoped grants may see in lists and streams: the instances their grants
 * cover, those instances' tasks and their own. Whole-console grants see everything without
 * asking the agents.
 */
export class Visibility {
  constructor(private readonly hosts: Hosts) {}

  /** The ids of the instances the user may see, or null for all of them. */
  async instanceIds(p: Principal): Promise<Set<string> | null> {
    if (can(p, 'instance.view')) return null;
    const all = await this.hosts.instances();
    return new Set(all.filter((i) => can(p, 'instance.view', i)).map((i) => i.id));
  }

  async tasks(p: Principal): Promise<(t: Task) => boolean> {
    if (can(p, 'task.view')) return () => true;
    const ids = await this.instanceIds(p);
    return (t) => t.userId === p.id || (t.instanceId !== null && (!ids || ids.has(t.instanceId)));
  }

  /**
   * A filter for one event stream. It keeps its own set of visible instances, updated by the
   * events it sees, so a state change is judged without asking an agent.
   */
  async events(p: Principal): Promise<(e: ApiEvent) => boolean> {
    const ids = await this.instanceIds(p);
    const seesTasks = can(p, 'task.view');
    const seesHosts = can(p, 'host.view');
    return (e) => {
      switch (e.type) {
        case 'host.status':
          return seesHosts;
        case 'task':
          return (
            seesTasks ||
            e.task.userId === p.id ||
            (e.task.instanceId !== null && (!ids || ids.has(e.task.instanceId)))
          );
        case 'instance.updated': {
          if (!ids) return true;
          const visible = can(p, 'instance.view', e.instance);
          if (visible) ids.add(e.instance.id);
          else ids.delete(e.instance.id);
          return visible;
        }
        case 'instance.state':
          return !ids || ids.has(e.instanceId);
        case 'instance.deleted':
          return !ids || ids.delete(e.instanceId);
        case 'alert':
          if (can(p, 'alert.view')) return true;
          return e.alert.subject.startsWith('host:') ? seesHosts : !ids || ids.has(e.alert.subject);
      }
    };
  }
}
