import type { Operation, Progress } from '@berth/contracts';
import { conflict } from '@berth/contracts';
import type { Intent } from '../journal/intent.js';
import type { Step } from '../journal/journal.js';
import type { Operations } from '../operations.js';

/** One operation per instance at a time: a second request gets a clear 409, not a race. */
export class BusyGuard {
  /** Instance id → kind of the operation running on it. */
  private readonly busy = new Map<string, string>();

  constructor(private readonly ops: Operations) {}

  assertIdle(id: string): void {
    const running = this.busy.get(id);
    if (running) throw conflict(`${running} is in progress on this instance`);
  }

  start(
    id: string,
    kind: string,
    work: (progress: Progress, step: Step) => Promise<unknown>,
    intent: Intent = { type: 'instance.action', instance: id },
  ): Operation {
    this.assertIdle(id);
    this.busy.set(id, kind);
    return this.ops.start(
      kind,
      id,
      async (progress, step) => {
        try {
          return await work(progress, step);
        } finally {
          this.busy.delete(id);
        }
      },
      intent,
    );
  }

  /** Short synchronous work (a resize) that must not overlap an operation. */
  async hold<T>(id: string, kind: string, work: () => Promise<T>): Promise<T> {
    this.assertIdle(id);
    this.busy.set(id, kind);
    try {
      return await work();
    } finally {
      this.busy.delete(id);
    }
  }
}
