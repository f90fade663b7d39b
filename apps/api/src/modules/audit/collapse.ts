/** How far apart two identical events may be and still be one run. */
export const RUN_WINDOW_MS = 60_000;

/** What an audit row says, less where it sits in the chain: rows equal in this are identical. */
export interface RunRow {
  seq: number;
  at: Date;
  actor: string;
  userId: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  outcome: string;
  taskId: string | null;
  ip: string | null;
  detail: string | null;
  before: string | null;
  after: string | null;
}

/** A run of identical rows, newest first: the newest stands for them all. */
export interface Run<R extends RunRow> {
  newest: R;
  oldest: R;
  count: number;
}

const sameContent = (a: RunRow, b: RunRow) =>
  a.actor === b.actor &&
  a.userId === b.userId &&
  a.action === b.action &&
  a.targetType === b.targetType &&
  a.targetId === b.targetId &&
  a.outcome === b.outcome &&
  a.taskId === b.taskId &&
  a.ip === b.ip &&
  a.detail === b.detail &&
  a.before === b.before &&
  a.after === b.after;

/**
 * Whether `row` (the next older one) continues `run`: the same content, within the window of the
 * run's oldest row, so a script failing once a second for an hour is one row, not 3,600.
 */
export const continues = <R extends RunRow>(run: Run<R>, row: R): boolean =>
  sameContent(run.oldest, row) && run.oldest.at.getTime() - row.at.getTime() <= RUN_WINDOW_MS;
