import type { InstanceState } from '@berth/contracts';
import type { EventBus } from '../events.js';

/** The last state seen per instance; a change, and only a change, becomes an instance.state event. */
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

  forget(id: string): void {
    this.last.delete(id);
  }
}
