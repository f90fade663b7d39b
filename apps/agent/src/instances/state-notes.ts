import type { Instance, InstanceState } from '@berth/contracts';
import type { EventBus } from '../events.js';

/**
 * What the event stream hears about instances: the last state seen per instance (a change,
 * and only a change, becomes an instance.state event), whole records when they change, and
 * deletions.
 */
export class StateNotes {
  private readonly last = new Map<string, InstanceState>();

  constructor(private readonly events: EventBus) {}

  /** Records a state without announcing it (rediscovery, a fresh create). */
  set(id: string, state: InstanceState): void {
    this.last.set(id, state);
  }

  note(id: string, state: InstanceState): void {
    if (this.last.get(id) === state) return;
    this.last.set(id, state);
    this.events.publish({
      type: 'instance.state',
      instanceId: id,
      state,
      at: new Date().toISOString(),
    });
  }

  /** A created or edited instance: its record goes out whole. */
  updated(instance: Instance): void {
    this.last.set(instance.id, instance.state);
    this.events.publish({ type: 'instance.updated', instance, at: new Date().toISOString() });
  }

  deleted(id: string): void {
    this.last.delete(id);
    this.events.publish({ type: 'instance.deleted', instanceId: id, at: new Date().toISOString() });
  }
}
