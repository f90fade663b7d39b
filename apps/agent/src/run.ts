import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { spawn as spawnPty, type IPty } from 'node-pty';
import { ErrorCode, AppError } from '@berth/contracts';
import { silentLog, type Log } from './log.js';
import { logCommand, operationScope } from './operation-log.js';

/** The PATH every host command runs with: the agent's own environment is never passed on. */
export const HOST_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const HOST_ENV = { PATH: HOST_PATH, LANG: 'C.UTF-8' };
/** How long a stopped long command has to tidy up after TERM before it is killed. */
const KILL_GRACE_MS = 10_000;

let log: Log = silentLog;

/** Where every host command is logged (at debug); set once when the agent is built. */
export function logHostCommandsTo(logger: Log): void {
  log = logger;
}

export interface RunOptions {
  timeoutMs?: number;
  input?: string;
  /** Exit codes that are answers, not failures (e.g. grep's 1). */
  okCodes?: number[];
}

export interface RunResult {
  stdout: string;
  stderr: string;
  code: number;
  timedOut: boolean;
}

/** A host command that failed; the message keeps the command's own words. */
export class RunError extends AppError {
  constructor(
    readonly cmd: string,
    readonly args: readonly string[],
    readonly result: RunResult,
  ) {
    const why = result.timedOut
      ? 'timed out'
      : `exited ${result.code}: ${(result.stderr || result.stdout).trim().slice(-600)}`;
    super(ErrorCode.hostError, `${cmd} ${why}`);
    this.name = 'RunError';
  }
}

function logged(cmd: string, args: readonly string[], started: number, code: number | null): void {
  log.debug({ cmd, args, code, ms: Date.now() - started }, `ran ${cmd}`);
}

/**
 * The agent's one door to host commands: an argument array (never a shell string),
 * a timeout, and a typed error carrying stderr.
 */
export function exec(
  cmd: string,
  args: readonly string[],
  opts: RunOptions = {},
): Promise<RunResult> {
  const started = Date.now();
  const ended = logCommand(cmd, args, opts.okCodes);
  return new Promise((resolve) => {
    const child = execFile(
      cmd,
      args,
      {
        timeout: opts.timeoutMs ?? 60_000,
        maxBuffer: 64 * 1024 * 1024,
        env: HOST_ENV,
        encoding: 'utf8',
      },
      (err, stdout, stderr) => {
        const e = err as
          (NodeJS.ErrnoException & { code?: number | string; killed?: boolean }) | null;
        const timedOut = Boolean(e?.killed);
        const code = e ? (typeof e.code === 'number' ? e.code : timedOut ? 124 : 127) : 0;
        const said = e && typeof e.code === 'string' ? `${stderr}${e.message}` : stderr;
        logged(cmd, args, started, code);
        ended({ code, timedOut, stderr: said });
        resolve({ stdout, stderr: said, code, timedOut });
      },
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

/** Like exec, but a non-zero exit (outside okCodes) throws RunError. */
export async function run(
  cmd: string,
  args: readonly string[],
  opts: RunOptions = {},
): Promise<RunResult> {
  const result = await exec(cmd, args, opts);
  if (result.timedOut || (result.code !== 0 && !(opts.okCodes ?? []).includes(result.code))) {
    throw new RunError(cmd, args, result);
  }
  return result;
}

/**
 * Runs a long command and hands each output line to onLine (progress from debootstrap, tar).
 * Cancelling the operation it runs under stops it with everything it started (its own process
 * group: TERM, then KILL after 10 s), and it fails like any other failure, so the operation
 * rolls back.
 */
export function runLines(
  cmd: string,
  args: readonly string[],
  onLine: (line: string) => void,
  opts: { timeoutMs?: number } = {},
): Promise<void> {
  const started = Date.now();
  const ended = logCommand(cmd, args);
  const signal = operationScope.getStore()?.signal;
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      env: HOST_ENV,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let tail = '';
    let stopped: 'timeout' | 'cancel' | null = null;
    let killer: NodeJS.Timeout | undefined;
    // The whole group, politely first: debootstrap unmounts the chroot's /proc on TERM.
    const stop = (why: 'timeout' | 'cancel') => {
      stopped ??= why;
      const group = (sig: NodeJS.Signals) => {
        try {
          if (child.pid) process.kill(-child.pid, sig);
        } catch {
          // already gone
        }
      };
      group('SIGTERM');
      killer ??= setTimeout(() => group('SIGKILL'), KILL_GRACE_MS);
    };
    const timer = setTimeout(() => stop('timeout'), opts.timeoutMs ?? 30 * 60_000);
    const onAbort = () => stop('cancel');
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
    const feed = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      tail = (tail + text).slice(-2000);
      for (const line of text.split('\n')) if (line.trim()) onLine(line.trim());
    };
    child.stdout.on('data', feed);
    child.stderr.on('data', feed);
    child.on('error', (err) => {
      ended({ code: null, timedOut: false, stderr: err.message });
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      clearTimeout(killer);
      signal?.removeEventListener('abort', onAbort);
      logged(cmd, args, started, code);
      const timedOut = stopped === 'timeout';
      const stderr = stopped === 'cancel' ? `${tail}\nstopped: the operation was cancelled` : tail;
      ended({ code: code ?? 137, timedOut, stderr });
      if (code === 0) resolve();
      else reject(new RunError(cmd, args, { stdout: '', stderr, code: code ?? 137, timedOut }));
    });
  });
}

export interface FollowOptions {
  /** Each line the helper writes to stdout. */
  onLine?: (line: string) => void;
  /** Each time a process is started (the first and every restart), with its pid. */
  onStart?: (pid: number) => void;
}

export interface Followed {
  /** Stops the helper for good; resolves once it has exited. */
  stop(): Promise<void>;
}

const FIRST_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 30_000;
/** A helper that lived this long was healthy: its next death starts the backoff over. */
const HEALTHY_MS = 10_000;

/**
 * A long-lived helper (lxc-monitor, dnsmasq) under supervision: restarted with capped backoff
 * whenever it dies, until stop(). Its stderr lines are logged, since nobody else reads them.
 */
export function follow(cmd: string, args: readonly string[], opts: FollowOptions = {}): Followed {
  let child: ChildProcess | null = null;
  let stopped = false;
  let backoffMs = FIRST_BACKOFF_MS;
  let timer: NodeJS.Timeout | null = null;

  const start = () => {
    timer = null;
    if (stopped) return;
    const started = Date.now();
    const current = spawn(cmd, args, { env: HOST_ENV, stdio: ['ignore', 'pipe', 'pipe'] });
    child = current;
    let gone = false;
    const onGone = (code: number | null, why?: string) => {
      if (gone) return;
      gone = true;
      if (child === current) child = null;
      const ms = Date.now() - started;
      if (stopped) {
        log.debug({ cmd, args, code, ms }, `${cmd} stopped`);
        return;
      }
      if (ms >= HEALTHY_MS) backoffMs = FIRST_BACKOFF_MS;
      log.warn({ cmd, args, code, ms, why, retryMs: backoffMs }, `${cmd} ended; restarting it`);
      timer = setTimeout(start, backoffMs);
      timer.unref();
      backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
    };
    current.on('error', (err) => onGone(null, err.message));
    current.on('close', (code) => onGone(code));
    if (current.pid) {
      log.debug({ cmd, args, pid: current.pid }, `following ${cmd}`);
      opts.onStart?.(current.pid);
    }
    createInterface({ input: current.stdout! }).on('line', (line) => opts.onLine?.(line));
    createInterface({ input: current.stderr! }).on('line', (line) => log.warn({ cmd }, line));
  };

  start();
  return {
    stop: () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      const last = child;
      if (!last || last.exitCode !== null || last.signalCode !== null) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const killer = setTimeout(() => last.kill('SIGKILL'), 5000);
        last.once('close', () => {
          clearTimeout(killer);
          resolve();
        });
        last.kill('SIGTERM');
      });
    },
  };
}

/**
 * A host command on a pseudo-terminal (interactive shells): node-pty instead of child_process,
 * with the same environment and logging as every other host command.
 */
export function openPty(
  cmd: string,
  args: readonly string[],
  size: { cols: number; rows: number },
): IPty {
  const started = Date.now();
  const pty = spawnPty(cmd, [...args], {
    name: 'xterm-256color',
    cols: size.cols,
    rows: size.rows,
    cwd: '/',
    env: HOST_ENV,
    encoding: null,
  });
  log.debug({ cmd, args, pid: pty.pid }, `opened ${cmd} on a pty`);
  pty.onExit(({ exitCode }) => logged(cmd, args, started, exitCode));
  return pty;
}
