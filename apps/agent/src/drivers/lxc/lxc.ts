import { HOST_PATH, exec, run, type RunResult } from '../../run.js';
import { parseLxcInfo, parseLxcLs, type LxcInfo } from './state.js';

/** A container's default PATH: the same standard directories as the host's. */
export const DEFAULT_PATH = HOST_PATH;

/** The lxc-* tools for one lxcpath; a container's LXC name is its CT ID. */
export class Lxc {
  constructor(readonly lxcpath: string) {}

  private base(ctid: number): string[] {
    return ['-P', this.lxcpath, '-n', String(ctid)];
  }

  async info(ctid: number): Promise<LxcInfo> {
    const result = await exec('lxc-info', [...this.base(ctid), '-s', '-p', '-i']);
    if (result.code !== 0) return { state: 'unknown', pid: null, ips: [] };
    return parseLxcInfo(result.stdout);
  }

  /**
   * Every container's state from one command, as a lookup: listing hundreds must not spawn
   * hundreds of lxc-info. lxc-ls lists only the active ones (running, frozen, starting,
   * stopping: found by their command sockets), so any other container of this lxcpath is
   * stopped. Listing all of them read each one's config: 0.2-0.35 s with 500 stopped, most of the
   * instance list's time. When lxc-ls fails the lookup knows nothing, and callers ask lxc-info.
   */
  async infoAll(): Promise<(ctid: number) => LxcInfo | undefined> {
    const result = await exec('lxc-ls', [
      '-P',
      this.lxcpath,
      '--active',
      '-f',
      '-F',
      'NAME,STATE,PID,IPV4',
    ]);
    if (result.code !== 0) return () => undefined;
    const active = parseLxcLs(result.stdout);
    return (ctid) => active.get(String(ctid)) ?? { state: 'stopped', pid: null, ips: [] };
  }

  async start(ctid: number): Promise<void> {
    await run('lxc-start', [...this.base(ctid), '-d'], { timeoutMs: 60_000 });
  }

  /** Graceful with the template's halt signal, then killed after timeoutSeconds. */
  async stop(ctid: number, timeoutSeconds: number, kill = false): Promise<void> {
    const args = kill ? ['-k'] : ['-t', String(timeoutSeconds)];
    await run('lxc-stop', [...this.base(ctid), ...args], {
      timeoutMs: (timeoutSeconds + 30) * 1000,
    });
  }

  async freeze(ctid: number): Promise<void> {
    await run('lxc-freeze', this.base(ctid));
  }

  async unfreeze(ctid: number): Promise<void> {
    await run('lxc-unfreeze', this.base(ctid));
  }

  /** Writes one cgroup file of a running container (lxc-cgroup finds its cgroup, v1 or v2). */
  async cgroup(ctid: number, key: string, value: string): Promise<void> {
    // "--": values such as -1 (unlimited on v1) are not options.
    await run('lxc-cgroup', [...this.base(ctid), '--', key, value]);
  }

  async waitState(ctid: number, state: string, timeoutSeconds: number): Promise<void> {
    await run('lxc-wait', [...this.base(ctid), '-s', state, '-t', String(timeoutSeconds)], {
      timeoutMs: (timeoutSeconds + 5) * 1000,
    });
  }

  /** Runs argv inside the container without a shell; the exit code is the command's. */
  attach(
    ctid: number,
    argv: readonly string[],
    opts: { timeoutMs: number; input?: string },
  ): Promise<RunResult> {
    return exec('lxc-attach', this.attachArgs(ctid, argv), {
      timeoutMs: opts.timeoutMs,
      input: opts.input ?? '',
    });
  }

  /** lxc-attach's arguments for running argv in the container with a clean environment. */
  attachArgs(
    ctid: number,
    argv: readonly string[],
    as: { uid: number; gid: number; env: Record<string, string> } = {
      uid: 0,
      gid: 0,
      env: { PATH: DEFAULT_PATH, HOME: '/root' },
    },
  ): string[] {
    return [
      ...this.base(ctid),
      '--clear-env',
      ...Object.entries(as.env).flatMap(([k, v]) => ['--set-var', `${k}=${v}`]),
      '--uid',
      String(as.uid),
      '--gid',
      String(as.gid),
      '--',
      ...argv,
    ];
  }

  static async version(): Promise<string | null> {
    const result = await exec('lxc-start', ['--version']);
    return result.code === 0 ? result.stdout.trim() : null;
  }
}
