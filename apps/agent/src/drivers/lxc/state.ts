import type { InstanceAction, InstanceState } from '@berth/contracts';

const LXC_STATES: Record<string, InstanceState> = {
  STOPPED: 'stopped',
  STARTING: 'starting',
  RUNNING: 'running',
  STOPPING: 'stopping',
  ABORTING: 'stopping',
  FREEZING: 'running',
  FROZEN: 'frozen',
  THAWED: 'running',
};

export function toInstanceState(lxcState: string): InstanceState {
  return LXC_STATES[lxcState.trim().toUpperCase()] ?? 'unknown';
}

export interface LxcInfo {
  state: InstanceState;
  pid: number | null;
  ips: string[];
}

/** Parses `lxc-info -s -p -i` output. */
export function parseLxcInfo(text: string): LxcInfo {
  let state: InstanceState = 'unknown';
  let pid: number | null = null;
  const ips: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z]+):\s*(.*)$/.exec(line.trim());
    if (!m) continue;
    const [, key, value] = m as unknown as [string, string, string];
    if (key === 'State') state = toInstanceState(value);
    else if (key === 'PID') pid = Number(value) || null;
    else if (key === 'IP') ips.push(value.trim());
  }
  return { state, pid, ips };
}

/** Parses one `lxc-monitor` line: 'NAME' changed state to [STATE]. */
export function parseMonitorLine(line: string): { name: string; state: InstanceState } | null {
  const m = /^'([^']+)' changed state to \[([A-Z]+)\]/.exec(line.trim());
  return m ? { name: m[1] as string, state: toInstanceState(m[2] as string) } : null;
}

/** Seconds since the container's init started, from /proc/<pid>/stat and /proc/uptime. */
export function uptimeFromProc(
  statText: string,
  uptimeText: string,
  ticksPerSecond = 100,
): number | null {
  // The command name (field 2) may hold spaces and parentheses; fields after the last ')' are fixed.
  const rest = statText.slice(statText.lastIndexOf(')') + 2).split(' ');
  const startTicks = Number(rest[19]);
  const uptime = Number(uptimeText.split(' ')[0]);
  if (!Number.isFinite(startTicks) || !Number.isFinite(uptime)) return null;
  return Math.max(0, Math.floor(uptime - startTicks / ticksPerSecond));
}

/** Why an action cannot run in this state, or null when it can. */
export function whyNot(
  action: InstanceAction | 'exec' | 'delete',
  state: InstanceState,
): string | null {
  switch (action) {
    case 'start':
      if (state === 'running') return 'the container is already running';
      if (state === 'frozen') return 'the container is suspended; resume it instead';
      return state === 'stopped' ? null : `the container is ${state}`;
    case 'stop':
    case 'restart':
    case 'exec':
      if (state === 'running') return null;
      if (state === 'frozen' && action === 'stop') return null;
      return state === 'frozen'
        ? 'the container is suspended; resume it first'
        : `the container is ${state}, not running`;
    case 'suspend':
      return state === 'running'
        ? null
        : `only a running container can be suspended (it is ${state})`;
    case 'resume':
      return state === 'frozen'
        ? null
        : `only a suspended container can be resumed (it is ${state})`;
    case 'delete':
      return state === 'stopped'
        ? null
        : `the container is ${state}; stop it first or delete with force`;
    case 'reset':
    case 'pause':
    case 'unpause':
      return `${action} is for VMs; containers use suspend and resume`;
  }
}

/** Parses `lxc-ls -f -F NAME,STATE,PID,IPV4`: one line per container after the header. */
export function parseLxcLs(text: string): Map<string, LxcInfo> {
  const out = new Map<string, LxcInfo>();
  for (const line of text.split('\n').slice(1)) {
    const [name, state, pid, ...rest] = line.trim().split(/\s+/);
    if (!name || !state) continue;
    const ips = rest
      .join(' ')
      .split(',')
      .map((ip) => ip.trim())
      .filter((ip) => ip && ip !== '-');
    out.set(name, { state: toInstanceState(state), pid: Number(pid) || null, ips });
  }
  return out;
}
