import { EventEmitter } from 'node:events';

/** In-process fan-out of events to every open event stream. */
export class EventBus<T> {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  publish(event: T): void {
    this.emitter.emit('event', event);
  }

  subscribe(listener: (event: T) => void): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }
}
