/**
 * CPU time of some of this process's descendants: on a machine whose two cores a page load
 * saturates, what the processes spent decides the wall time, whatever order their work ran in.
 * A process's own time while it lives, and its reaped children's in its cutime/cstime once
 * they end: a renderer closed with its tab still counts, under the zygote that forked it.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

const TICK_MS = 1000 / Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

interface Proc {
  pid: number;
  ppid: number;
  ms: number;
  command: string;
}

function processes(): Proc[] {
  const all: Proc[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // The command name (field 2) may hold spaces and parentheses: fields resume after the last ')'.
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(f[i]), 0);
      const command = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0')[0] ?? '';
      all.push({ pid: Number(name), ppid: Number(f[1]), ms: ticks * TICK_MS, command });
    } catch {
      // Ended while listed.
    }
  }
  return all;
}

/** CPU ms so far of every descendant of this process whose command `counts`, and of theirs. */
export function descendantsCpu(counts: (command: string) => boolean): number {
  const all = processes();
  const children = new Map<number, Proc[]>();
  for (const p of all) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  let sum = 0;
  const walk = (pid: number) => {
    for (const child of children.get(pid) ?? []) {
      if (counts(child.command)) sum += child.ms;
      walk(child.pid);
    }
  };
  walk(process.pid);
  return sum;
}
