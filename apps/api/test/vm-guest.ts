import assert from 'node:assert/strict';
import type { Instance, Task } from '@berth/contracts';
import type { Stack } from './harness.js';
import { until } from './wait.js';

/** Under TCG a guest takes a while to boot; its agent answering is the sign it is up. */
export const GUEST_BOOT_MS = 240_000;

export type ExecReply = { exitCode: number; stdout: string; stderr: string };

/** Runs a command in a VM's guest through the API (its guest agent); a refusal fails the test. */
export async function guest(stack: Stack, id: string, command: string[]): Promise<ExecReply> {
  const res = await stack.call<ExecReply>('POST', `/api/v1/instances/${id}/exec`, { command });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
}

/** Waits until the guest agent of a VM answers through the API. */
export async function waitForGuest(stack: Stack, id: string): Promise<void> {
  let last = '';
  await until(
    'the guest agent to answer',
    async () => {
      const res = await stack.call('POST', `/api/v1/instances/${id}/exec`, { command: ['true'] });
      last = JSON.stringify(res.body);
      return res.status === 200;
    },
    GUEST_BOOT_MS,
    1000,
  ).catch((err: Error) => {
    throw new Error(`the guest agent never answered: ${last}`, { cause: err });
  });
}

type TaskReply = { task: Task };

/** Builds the tiny guest's template; the build is kept between stacks, so after the first file it is a no-op. */
export async function buildTinyTemplate(stack: Stack): Promise<void> {
  const build = await stack.call<TaskReply>(
    'POST',
    '/api/v1/templates/tiny-linux/build?sync=true',
    {
      rebuild: false,
    },
  );
  assert.equal(build.body.task.status, 'succeeded', JSON.stringify(build.body.task.error));
}

/** Creates a stopped VM on the tiny guest's disk (256 MiB unless `extra` says otherwise). */
export async function createTinyVm(
  stack: Stack,
  name: string,
  extra: Record<string, unknown> = { memoryMiB: 256 },
): Promise<Instance> {
  const res = await stack.call<TaskReply>('POST', '/api/v1/instances?sync=true', {
    kind: 'vm',
    name,
    disks: [{ template: 'tiny-linux' }],
    ...extra,
  });
  assert.equal(res.body.task.status, 'succeeded', JSON.stringify(res.body.task.error));
  return res.body.task.result as Instance;
}

/** Runs an instance action to its end; a stop is forced, since a test's guest owes it no clean shutdown. */
export async function act(stack: Stack, id: string, action: string): Promise<void> {
  const res = await stack.call<TaskReply>(
    'POST',
    `/api/v1/instances/${id}/actions/${action}?sync=true`,
    action === 'stop' ? { force: true } : undefined,
  );
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.task.status, 'succeeded', JSON.stringify(res.body.task.error));
}

/** A tiny VM built, started and with its guest agent answering: the set-up of every test about a running guest. */
export async function bootTinyVm(stack: Stack, name: string): Promise<Instance> {
  await buildTinyTemplate(stack);
  const vm = await createTinyVm(stack, name);
  await act(stack, vm.id, 'start');
  await waitForGuest(stack, vm.id);
  return (await stack.call<Instance>('GET', `/api/v1/instances/${vm.id}`)).body;
}
