import type { InstanceState } from '@berth/contracts';

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
