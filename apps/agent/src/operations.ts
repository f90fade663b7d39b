import { randomUUID } from 'node:crypto';
import type { Operation, OperationLog, Progress } from '@berth/contracts';
import {
  CANCELLABLE_KINDS,
  ErrorCode,
  AppError,
  cancelled,
  notFound,
  unsupported,
  wrongState,
} from '@berth/contracts';
import type { EventBus } from './events.js';
import type { Intent } from './journal/intent.js';
import type { Journal, Step } from './journal/journal.js';
import { OperationLogBook, operationScope, redactText } from './operation-log.js';

const KEEP_FINISHED_MS = 60 * 60 * 1000;
/** The signal of work that cannot be cancelled. */
const NEVER = new AbortController().signal;

/** Long work with an id, progress events and a final result, kept for an hour after it ends. */
export class Operations {
  private readonly ops = new Map<string, Operation>();
  private readonly done = new Map<string, Promise<Operation>>();
  private readonly logs = new Map<string, OperationLogBook>();
  /** Running operations that may be cancelled, by id. */
  private readonly cancels = new Map<string, AbortController>();

  constructor(
    private readonly events: EventBus,
    private readonly journal: Journal | null = null,
  ) {}

  /**
   * Runs work as an operation. With an intent, the journal records it before the work
   * starts and forgets it when the work ends, so a kill in between is found at the next start.
   */
  start(
    kind: string,
    target: string | null,
    work: (progress: Progress, step: Step) => Promise<unknown>,
    intent?: Intent,
  ): Operation {
    const op: Operation = {
      id: randomUUID(),
      kind,
      target,
      status: 'running',
      progress: 0,
      message: null,
      error: null,
      createdAt: new Date().toISOString(),
      finishedAt: null,
    };
    this.ops.set(op.id, op);
    const log = new OperationLogBook();
    this.logs.set(op.id, log);
    const note = (type: 'progress' | 'step' | 'note', message: string, failed = false) =>
      log.add({
        at: new Date().toISOString(),
        type,
        message: redactText(message),
        progress: op.progress,
        command: null,
        failed,
      });
    note('note', `${kind}${target ? ` ${target}` : ''} started`);
    this.emit(op);
    const progress: Progress = (value, message) => {
      if (op.status !== 'running') return;
      const before = { progress: op.progress, message: op.message };
      op.progress = Math.max(op.progress, Math.min(99, Math.round(value)));
      op.message = message;
      // A step is a new message; a long one (tar, a download) is noted every 10% it moves.
      if (
        message !== before.message ||
        Math.floor(op.progress / 10) > Math.floor(before.progress / 10)
      )
        note('progress', message);
      this.emit(op);
    };
    const journal = intent ? this.journal : null;
    // Only journaled work of a cancellable kind: its failure path is its rollback.
    const abort = intent && CANCELLABLE_KINDS.has(kind) ? new AbortController() : null;
    if (abort) this.cancels.set(op.id, abort);
    const step: Step = async (name, changes) => {
      // A step boundary is where a cancel is honoured: nothing of the next step has begun.
      if (abort?.signal.aborted) throw cancelled(`cancelled before ${name}`);
      note('step', name);
      if (journal) await journal.step(op.id, name, changes);
    };
    const scope = { log, signal: abort?.signal ?? NEVER };
    const finished = Promise.resolve()
      .then(() =>
        operationScope.run(scope, async () => {
          if (journal && intent) await journal.begin(op, intent);
          return work(progress, step);
        }),
      )
      .then(
        (result) => {
          op.status = 'succeeded';
          op.progress = 100;
          op.result = result;
        },
        (err: unknown) => {
          op.status = 'failed';
          op.error = abort?.signal.aborted
            ? { code: ErrorCode.cancelled, message: 'cancelled; what it had done was rolled back' }
            : err instanceof AppError
              ? { code: err.code, message: err.message }
              : {
                  code: ErrorCode.internal,
                  message: err instanceof Error ? err.message : String(err),
                };
        },
      )
      .then(async () => {
        // A journal that cannot be tidied (a full disk) is replayed at the next start: harmless.
        await journal?.end(op.id).catch(() => undefined);
        this.cancels.delete(op.id);
        op.finishedAt = new Date().toISOString();
        const took = `${((Date.parse(op.finishedAt) - Date.parse(op.createdAt)) / 1000).toFixed(1)} s`;
        if (op.error) note('note', `failed after ${took}: ${op.error.message}`, true);
        else note('note', `succeeded in ${took}`);
        this.emit(op);
        setTimeout(() => {
          this.ops.delete(op.id);
          this.done.delete(op.id);
          this.logs.delete(op.id);
        }, KEEP_FINISHED_MS).unref();
        return op;
      });
    this.done.set(op.id, finished);
    return { ...op };
  }

  /** Makes an operation interrupted by an earlier agent answerable again, with its failed answer. */
  restore(op: Operation): void {
    if (this.ops.has(op.id)) return;
    this.ops.set(op.id, { ...op });
    setTimeout(() => this.ops.delete(op.id), KEEP_FINISHED_MS).unref();
  }

  get(id: string): Operation | undefined {
    const op = this.ops.get(id);
    return op && { ...op };
  }

  /**
   * Asks a running operation to stop: at its next step boundary, or by killing the long host
   * command it runs now. It then fails with code `cancelled` after rolling back.
   */
  cancel(id: string): Operation {
    const op = this.ops.get(id);
    if (!op) throw notFound(`operation ${id}`);
    if (op.status !== 'running') throw wrongState(`operation ${id} has ended (${op.status})`);
    const abort = this.cancels.get(id);
    if (!abort) throw unsupported(`${op.kind} cannot be cancelled once it has begun`);
    if (!abort.signal.aborted) {
      this.logs.get(id)?.add({
        at: new Date().toISOString(),
        type: 'note',
        message: 'cancel requested',
        progress: op.progress,
        command: null,
        failed: false,
      });
      abort.abort();
    }
    return { ...op };
  }

  /** What the operation logged so far; an operation from before a restart has no lines. */
  log(id: string): OperationLog {
    if (!this.ops.has(id)) throw notFound(`operation ${id}`);
    return { operationId: id, lines: this.logs.get(id)?.lines() ?? [] };
  }

  list(): Operation[] {
    return [...this.ops.values()].map((op) => ({ ...op }));
  }

  /** Resolves when the operation ends, or after timeoutMs with its current state. */
  async wait(id: string, timeoutMs: number): Promise<Operation | undefined> {
    const finished = this.done.get(id);
    if (!finished) return this.get(id);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    await Promise.race([finished, timeout]);
    clearTimeout(timer);
    return this.get(id);
  }

  private emit(op: Operation): void {
    this.events.publish({ type: 'operation', operation: { ...op }, at: new Date().toISOString() });
  }
}
