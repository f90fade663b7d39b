import type { Task, TaskAccepted } from '@berth/contracts';

export interface TaskCallbacks {
  onProgress?: (task: Task) => void;
  onSuccess?: (task: Task) => void;
  onFailure?: (task: Task) => void;
}

export const isFinished = (t: Pick<Task, 'status'>) =>
  t.status === 'succeeded' || t.status === 'failed';

/** The later of two views of one task: a finished one wins, then the higher progress. */
function later(a: Task, b: Task | undefined): Task {
  if (!b) return a;
  if (isFinished(a) !== isFinished(b)) return isFinished(a) ? a : b;
  return b.progress >= a.progress ? b : a;
}

function fire(cb: TaskCallbacks, task: Task) {
  cb.onProgress?.(task);
  if (task.status === 'succeeded') cb.onSuccess?.(task);
  else cb.onFailure?.(task);
}

/**
 * Per-task callbacks, fed by the one event stream (or by the fallback refetch while it is
 * down). A caller opens a recorder *before* it sends the request, so a task event that
 * arrives before the 202 answer is not lost; it then binds the task id from the answer.
 */
export class TaskWatchers {
  private readonly watchers = new Map<string, TaskCallbacks>();
  private readonly recorders = new Set<Map<string, Task>>();

  begin(): { bind: (task: Task, cb: TaskCallbacks) => void; cancel: () => void } {
    const seen = new Map<string, Task>();
    this.recorders.add(seen);
    return {
      bind: (task, cb) => {
        this.recorders.delete(seen);
        const latest = later(task, seen.get(task.id));
        if (isFinished(latest)) return fire(cb, latest);
        this.watchers.set(task.id, cb);
        cb.onProgress?.(latest);
      },
      cancel: () => void this.recorders.delete(seen),
    };
  }

  feed(task: Task): void {
    for (const seen of this.recorders) seen.set(task.id, later(task, seen.get(task.id)));
    const cb = this.watchers.get(task.id);
    if (!cb) return;
    if (isFinished(task)) {
      this.watchers.delete(task.id);
      fire(cb, task);
    } else {
      cb.onProgress?.(task);
    }
  }

  /** Ids still waited on: the fallback refetch asks for these while the stream is down. */
  pending(): string[] {
    return [...this.watchers.keys()];
  }
}

export const taskWatchers = new TaskWatchers();

/**
 * Sends a call that answers 202 {task}, with its callbacks registered first. Resolves
 * with the accepted task (not its end); the callbacks tell the end.
 */
export async function runTask(
  start: () => Promise<TaskAccepted>,
  cb: TaskCallbacks = {},
  watchers = taskWatchers,
): Promise<Task> {
  const rec = watchers.begin();
  try {
    const { task } = await start();
    rec.bind(task, cb);
    return task;
  } catch (e) {
    rec.cancel();
    throw e;
  }
}

/** Thrown by runTaskToEnd when the task itself failed (not the request). */
export class TaskFailedError extends Error {
  override readonly name = 'TaskFailedError';
  constructor(readonly task: Task) {
    super(task.error?.message ?? task.message ?? `${task.kind} failed`);
  }
}

/** Like runTask, but resolves when the task has finished, and rejects when it failed. */
export function runTaskToEnd(
  start: () => Promise<TaskAccepted>,
  onProgress?: (task: Task) => void,
  watchers = taskWatchers,
): Promise<Task> {
  return new Promise((resolve, reject) => {
    runTask(
      start,
      { onProgress, onSuccess: resolve, onFailure: (t) => reject(new TaskFailedError(t)) },
      watchers,
    ).catch(reject);
  });
}
