import type { ProcessInfo } from '@berth/contracts';

/** The columns asked of `ps` in a guest: procps and busybox both know these names. */
export const PS_COLUMNS = 'pid,ppid,user,stat,rss,args';

/** busybox prints big sizes with a unit suffix (12m); procps prints plain KiB. */
function kib(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?)([kmgt]?)$/i.exec(text);
  if (!m) return null;
  const units: Record<string, number> = { '': 1, k: 1, m: 1024, g: 1024 ** 2, t: 1024 ** 3 };
  const scale = units[(m[2] ?? '').toLowerCase()] ?? 1;
  return Math.round(Number(m[1]) * scale * 1024);
}

/**
 * Parses `ps` output by its header, so procps's and busybox's layouts (and busybox's plain
 * `PID USER TIME COMMAND` when -o is missing) all read; the last column takes the rest of the line.
 */
export function parsePs(output: string): ProcessInfo[] {
  const lines = output.split('\n').filter((l) => l.trim());
  if (lines.length === 0) return [];
  const header = (lines[0] ?? '')
    .trim()
    .split(/\s+/)
    .map((h) => h.toUpperCase());
  const col = (names: string[]) => header.findIndex((h) => names.includes(h));
  const at = {
    pid: col(['PID']),
    ppid: col(['PPID']),
    user: col(['USER', 'UID', 'RUSER']),
    stat: col(['STAT', 'S']),
    rss: col(['RSS']),
  };
  return lines.slice(1).flatMap((line) => {
    const cells = line.trim().split(/\s+/);
    if (cells.length < header.length) return [];
    const rest = cells.slice(header.length - 1).join(' ');
    const cell = (i: number) => (i === -1 ? undefined : cells[i]);
    const num = (i: number) => (cell(i) && /^\d+$/.test(cell(i)!) ? Number(cell(i)) : null);
    const pid = num(at.pid);
    if (pid === null) return [];
    return [
      {
        pid,
        hostPid: null,
        ppid: num(at.ppid),
        user: cell(at.user) ?? '?',
        uid: null,
        state: (cell(at.stat) ?? '?').charAt(0),
        cpuPercent: null,
        rssBytes: cell(at.rss) ? kib(cell(at.rss)!) : null,
        startedAt: null,
        command: rest,
      },
    ];
  });
}
