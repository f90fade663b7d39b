import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Instance, Leftover, Task } from '@berth/contracts';
import type { Stack } from '../harness.js';

/** Loop devices whose backing file lies under dir (read from sysfs, as the agent does). */
export function loopDevicesUnder(dir: string): string[] {
  return readdirSync('/sys/block')
    .filter((e) => e.startsWith('loop'))
    .filter((e) => {
      try {
        return readFileSync(`/sys/block/${e}/loop/backing_file`, 'utf8').startsWith(dir);
      } catch {
        return false;
      }
    });
}

/** Mount points under prefix, from this process's mount table. */
export function mountsUnder(prefix: string): string[] {
  return readFileSync('/proc/self/mounts', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[1] ?? '')
    .filter((p) => p.startsWith(prefix));
}

/**
 * The agent's work mounts (berth-mnt-* in the temp dir) of images under its data dir. Another
 * agent's, from a test running beside this one, are not this test's to count.
 */
export function workMountsOf(dataDir: string): string[] {
  const loops = new Set(loopDevicesUnder(dataDir).map((l) => `/dev/${l}`));
  const prefix = path.join(tmpdir(), 'berth-mnt-');
  return readFileSync('/proc/self/mounts', 'utf8')
    .split('\n')
    .map((l) => l.split(' '))
    .filter(([source, at]) => at?.startsWith(prefix) && loops.has(source ?? ''))
    .map(([, at]) => at as string);
}

export const listDir = (dir: string): string[] => {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
};

/** The agent's quarantine list, straight from the agent. */
export async function agentLeftovers(stack: Stack): Promise<Leftover[]> {
  const res = await fetch(`${stack.agent.url}/v1/leftovers`, {
    headers: { authorization: `Bearer ${stack.agent.token}` },
  });
  assert.equal(res.status, 200);
  return ((await res.json()) as { items: Leftover[] }).items;
}

/** Creates an instance through the API and waits for it; the test fails if the create does. */
export async function createInstance(stack: Stack, body: object): Promise<Instance> {
  const res = await stack.call<{ task: Task }>('POST', '/api/v1/instances?sync=true', body);
  assert.equal(res.body.task.status, 'succeeded', JSON.stringify(res.body.task.error));
  return res.body.task.result as Instance;
}

/** Deletes an instance through the API (forced) and waits for it. */
export async function deleteInstance(stack: Stack, id: string): Promise<void> {
  const res = await stack.call<{ task: Task }>(
    'DELETE',
    `/api/v1/instances/${id}?force=true&sync=true`,
  );
  assert.equal(res.body.task.status, 'succeeded', JSON.stringify(res.body.task.error));
}
