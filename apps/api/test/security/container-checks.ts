import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import type { Stack } from '../harness.js';

export type ExecReply = { exitCode: number; stdout: string; stderr: string };

/** Runs a command inside the instance through the API; the call itself must succeed. */
export const exec = async (stack: Stack, id: string, command: string[]) => {
  const res = await stack.call<ExecReply>('POST', `/api/v1/instances/${id}/exec`, { command });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
};

/** The host's view of a process: its real uid and gid (first field of Uid:/Gid:). */
export const hostIds = async (pid: number) => {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1]);
  return { uid: field('Uid'), gid: field('Gid') };
};

/** The container's init pid on the host, as LXC reports it. */
export const initPid = (stack: Stack, ctid: number | null) => {
  if (ctid === null) throw new Error('a container always has a CT ID');
  const out = execFileSync('lxc-info', [
    '-P',
    `${stack.agent.dataDir}/lxc`,
    '-n',
    String(ctid),
    '-p',
    '-H',
  ]);
  return Number(out.toString().trim());
};

/** The container's root tries to write the host's kernel.core_pattern, remounting /proc/sys first. */
export const assertCorePatternUnwritable = async (stack: Stack, id: string) => {
  const before = await readFile('/proc/sys/kernel/core_pattern', 'utf8');
  const attempt = await exec(stack, id, [
    'sh',
    '-c',
    'mount -o remount,rw /proc/sys 2>/dev/null; echo "|/bin/true berth" > /proc/sys/kernel/core_pattern',
  ]);
  assert.notEqual(attempt.exitCode, 0, 'the write was refused');
  assert.equal(await readFile('/proc/sys/kernel/core_pattern', 'utf8'), before);
};
