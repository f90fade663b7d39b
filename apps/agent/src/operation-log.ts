import { AsyncLocalStorage } from 'node:async_hooks';
import type { OperationCommand, OperationLogLine } from '@berth/contracts';

/** Lines kept per operation: the first half and the latest half, with a note of the gap between. */
export const LOG_LINES_MAX = 2000;
/** The tail of a command's stderr that is kept: where the reason for a failure usually is. */
export const STDERR_TAIL_BYTES = 4096;

type Entry = Omit<OperationLogLine, 'seq'>;

/**
 * One operation's log, bounded: a create that unpacks a large archive or a build that prints a
 * line per package must not grow the agent without end. The head says how it began, the tail
 * how it ended (the failing command), and a note says how many lines fell out between them.
 */
export class OperationLogBook {
  private readonly head: Entry[] = [];
  private readonly tail: Entry[] = [];
  private dropped = 0;

  constructor(private readonly max = LOG_LINES_MAX) {}

  add(entry: Entry): void {
    const headMax = Math.ceil(this.max / 2);
    if (this.head.length < headMax) {
      this.head.push(entry);
      return;
    }
    this.tail.push(entry);
    if (this.tail.length > this.max - headMax) {
      this.tail.shift();
      this.dropped++;
    }
  }

  lines(): OperationLogLine[] {
    const gap: Entry[] = this.dropped
      ? [
          {
            at: this.tail[0]?.at ?? new Date().toISOString(),
            type: 'note',
            message: `… ${this.dropped} lines dropped`,
            progress: null,
            command: null,
            failed: false,
          },
        ]
      : [];
    return [...this.head, ...gap, ...this.tail].map((line, seq) => ({ seq, ...line }));
  }
}

/** What the host commands run under an operation need from it: where to log, when to stop. */
export interface OperationScope {
  log: OperationLogBook;
  signal: AbortSignal;
}

/**
 * The operation whose work is running now. Set once around the work, so run.ts attributes each
 * host command to its operation without every call in between passing it along.
 */
export const operationScope = new AsyncLocalStorage<OperationScope>();

const MASK = '***';
/** Flags whose next argument (or `=value`) is a secret. */
const SECRET_FLAG = /^--?[\w-]*(pass(word|wd|phrase)?|secret|token|api[-_]?key|credentials?)$/i;
const SECRET_ASSIGNMENT =
  /^(--?[\w-]*|[A-Z_]*)(pass(word|wd|phrase)?|secret|token|api[-_]?key|credentials?)=/i;
/** Environment variables whose values are never shown: names that say they hold a secret. */
const SECRET_ENV = /pass(word|wd|phrase)?|secret|token|api_?key|credential|private/i;

function environmentSecrets(): string[] {
  return Object.entries(process.env).flatMap(([name, value]) =>
    // Short values (a "1" flag) would mask every digit in a log.
    SECRET_ENV.test(name) && value && value.length >= 6 ? [value] : [],
  );
}

/** Masks every value from the environment that looks like a secret. */
export function redactText(text: string, secrets = environmentSecrets()): string {
  let out = text;
  for (const secret of secrets) out = out.split(secret).join(MASK);
  return out;
}

/** An argument array fit for a log: values after (or assigned to) secret-looking flags are masked. */
export function redactArgs(args: readonly string[], secrets = environmentSecrets()): string[] {
  return args.map((arg, i) => {
    const prev = args[i - 1];
    if (prev !== undefined && SECRET_FLAG.test(prev)) return MASK;
    const assigned = SECRET_ASSIGNMENT.exec(arg);
    if (assigned) return `${assigned[0]}${MASK}`;
    return redactText(arg, secrets);
  });
}

export interface CommandResult {
  code: number | null;
  timedOut: boolean;
  stderr: string;
}

/**
 * Notes a host command starting under the current operation (if any): its line takes its place
 * in the log now, so the progress it reports while it runs comes after it, and the returned
 * function fills in how it ended.
 */
export function logCommand(
  cmd: string,
  args: readonly string[],
  okCodes: readonly number[] = [],
): (result: CommandResult) => void {
  const scope = operationScope.getStore();
  if (!scope) return () => undefined;
  const startedAt = Date.now();
  const secrets = environmentSecrets();
  const redactedArgs = redactArgs(args, secrets);
  // Until it ends: no exit code yet.
  const command: OperationCommand = {
    cmd,
    args: redactedArgs,
    code: null,
    timedOut: false,
    ms: 0,
    stderr: '',
  };
  const entry = {
    at: new Date(startedAt).toISOString(),
    type: 'command' as const,
    message: [cmd, ...redactedArgs].join(' '),
    progress: null,
    command,
    failed: false,
  };
  scope.log.add(entry);
  let ended = false;
  return (result) => {
    if (ended) return;
    ended = true;
    command.code = result.code;
    command.timedOut = result.timedOut;
    command.ms = Math.max(0, Date.now() - startedAt);
    command.stderr = redactText(tailOf(result.stderr, STDERR_TAIL_BYTES), secrets);
    entry.failed = result.timedOut || (result.code !== 0 && !okCodes.includes(result.code ?? -1));
  };
}

function tailOf(text: string, bytes: number): string {
  const buf = Buffer.from(text, 'utf8');
  if (buf.length <= bytes) return text;
  // Cut at a line start where one is near, so the tail does not begin mid-word.
  const tail = buf.subarray(buf.length - bytes).toString('utf8');
  const newline = tail.indexOf('\n');
  return `…${newline >= 0 && newline < 200 ? tail.slice(newline) : tail.replace(/^\uFFFD+/, '')}`;
}
