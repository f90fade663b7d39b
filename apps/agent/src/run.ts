import { execFile, spawn } from 'node:child_process';
import { ErrorCode, AppError } from '@berth/contracts';

export interface RunOptions {
  timeoutMs?: number;
  input?: string;
  /** Exit codes that are answers, not failures (e.g. grep's 1). */
  okCodes?: number[];
  env?: NodeJS.ProcessEnv;
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

/**
 * The agent's one door to host commands: an argument array (never a shell string),
 * a timeout, and a typed error carrying stderr.
 */
export function exec(
  cmd: string,
  args: readonly string[],
  opts: RunOptions = {},
): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = execFile(
      cmd,
      args,
      {
        timeout: opts.timeoutMs ?? 60_000,
        maxBuffer: 64 * 1024 * 1024,
        env: opts.env ?? {
          PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
          LANG: 'C.UTF-8',
        },
        encoding: 'utf8',
      },
      (err, stdout, stderr) => {
        const e = err as
          (NodeJS.ErrnoException & { code?: number | string; killed?: boolean }) | null;
        const timedOut = Boolean(e?.killed);
        const code = e ? (typeof e.code === 'number' ? e.code : timedOut ? 124 : 127) : 0;
        resolve({
          stdout,
          stderr: e && typeof e.code === 'string' ? `${stderr}${e.message}` : stderr,
          code,
          timedOut,
        });
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

/** Runs a long command and hands each output line to onLine (progress from debootstrap, tar). */
export function runLines(
  cmd: string,
  args: readonly string[],
  onLine: (line: string) => void,
  opts: { timeoutMs?: number } = {},
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      env: {
        PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
        LANG: 'C.UTF-8',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let tail = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30 * 60_000);
    const feed = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      tail = (tail + text).slice(-2000);
      for (const line of text.split('\n')) if (line.trim()) onLine(line.trim());
    };
    child.stdout.on('data', feed);
    child.stderr.on('data', feed);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else
        reject(
          new RunError(cmd, args, {
            stdout: '',
            stderr: tail,
            code: code ?? 137,
            timedOut: signal === 'SIGKILL',
          }),
        );
    });
  });
}
