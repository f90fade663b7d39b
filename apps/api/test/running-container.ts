import assert from 'node:assert/strict';
import type { Instance, Task } from '@berth/contracts';
import type { Stack } from './harness.js';

type TaskReply = { task: Task };
export interface ExecReply {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** A container made from `body` (busybox unless it names a template) and started. */
export async function runningContainer(
  stack: Stack,
  body: Record<string, unknown> & { name: string },
): Promise<Instance> {
  const res = await stack.call<TaskReply>('POST', '/api/v1/instances?sync=true', {
    template: 'busybox',
    ...body,
  });
  assert.equal(res.body.task?.status, 'succeeded', JSON.stringify(res.body));
  const ct = res.body.task.result as Instance;
  const start = await stack.call<TaskReply>(
    'POST',
    `/api/v1/instances/${ct.id}/actions/start?sync=true`,
  );
  assert.equal(start.body.task?.status, 'succeeded', JSON.stringify(start.body));
  return ct;
}

/** A command run in an instance through the API: the call must answer 200, whatever the exit. */
export async function execIn(
  stack: Stack,
  id: string,
  command: string[],
  timeoutSeconds = 30,
): Promise<ExecReply> {
  const res = await stack.call<ExecReply>('POST', `/api/v1/instances/${id}/exec`, {
    command,
    timeoutSeconds,
  });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
}
