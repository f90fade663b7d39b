import type { OperationLogLine, TaskDetail } from '@berth/contracts';

const indent = (text: string) =>
  text
    .trimEnd()
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');

/** One log line as a person reads it in a downloaded file: time, what, and a command's outcome. */
export function logLineText(line: OperationLogLine): string {
  const c = line.command;
  if (!c) {
    const what =
      line.type === 'progress' ? `[${line.progress ?? 0}%] ${line.message}` : line.message;
    return `${line.at} ${line.type.padEnd(8)} ${what}`;
  }
  const outcome = c.timedOut ? 'timed out' : c.code === null ? 'did not start' : `exit ${c.code}`;
  const head = `${line.at} command  $ ${line.message}  (${outcome}, ${c.ms} ms)`;
  return c.stderr.trim() ? `${head}\n${indent(c.stderr)}` : head;
}

/** A task's log as a text file, headed by what the task was and how it ended. */
export function taskLogText(task: TaskDetail, lines: readonly OperationLogLine[]): string {
  const head = [
    `task ${task.id}: ${task.kind}`,
    `status: ${task.status}${task.error ? ` (${task.error.code}: ${task.error.message})` : ''}`,
    `started by: ${task.startedBy ?? 'the system'}; created ${task.createdAt}; finished ${task.finishedAt ?? '-'}`,
    '',
  ];
  return [...head, ...lines.map(logLineText), ''].join('\n');
}
