import { readdir, readFile } from 'node:fs/promises';

/**
 * The fields of /proc/<pid>/stat from the state (field 3) on. The command name (field 2)
 * may hold spaces and parentheses, so fields are counted from its last ')'.
 */
export function statFields(stat: string): string[] {
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** Seconds since a process started, from its /proc/<pid>/stat and /proc/uptime. */
export function uptimeFromProc(
  statText: string,
  uptimeText: string,
  ticksPerSecond = 100,
): number | null {
  const startTicks = Number(statFields(statText)[19]);
  const uptime = Number(uptimeText.split(' ')[0]);
  if (!Number.isFinite(startTicks) || !Number.isFinite(uptime)) return null;
  return Math.max(0, Math.floor(uptime - startTicks / ticksPerSecond));
}

/** How long a live process has run, or null once it is gone. */
export async function processUptime(pid: number): Promise<number | null> {
  try {
    const [stat, uptime] = await Promise.all([
      readFile(`/proc/${pid}/stat`, 'utf8'),
      readFile('/proc/uptime', 'utf8'),
    ]);
    return uptimeFromProc(stat, uptime);
  } catch {
    return null;
  }
}

/** A process's NUL-separated command line, or '' once it is gone. */
export function cmdlineOf(pid: number): Promise<string> {
  return readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
}

/** A process's argument list, or [] once it is gone. */
export const argvOf = async (pid: number): Promise<string[]> =>
  (await cmdlineOf(pid)).split('\0').filter(Boolean);

/** The pid in a pidfile, or null when there is none. */
export async function readPidfile(file: string): Promise<number | null> {
  const pid = Number(await readFile(file, 'utf8').catch(() => '0'));
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

/** Pids of the processes (other than this one) whose argument list matches. */
export async function findProcesses(matches: (argv: string[]) => boolean): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    const argv = await argvOf(pid);
    if (argv.length > 0 && matches(argv)) found.push(pid);
  }
  return found;
}

/** Ends (SIGTERM) every process whose argument list matches; returns the pids signalled. */
export async function endProcesses(matches: (argv: string[]) => boolean): Promise<number[]> {
  const ended: number[] = [];
  for (const pid of await findProcesses(matches)) {
    try {
      process.kill(pid, 'SIGTERM');
      ended.push(pid);
    } catch {
      // gone in between
    }
  }
  return ended;
}

/** Whether a process runs: a killed one stays signalable as a zombie until its parent reaps it. */
export async function processAlive(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return !/^\d+ \(.*\) Z /.test(stat);
}

/** Waits until none of the processes runs any more, checking every 50 ms, for at most `ms`. */
export async function untilGone(pids: number[], ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  for (const pid of pids) {
    while (Date.now() < deadline && (await processAlive(pid))) {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
