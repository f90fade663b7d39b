import assert from 'node:assert/strict';
import type { Task } from '@berth/contracts';
import { waitTask, type Stack } from './harness.js';

/**
 * Waits for the agent to SIGKILL itself at its failpoint (BERTH_AGENT_FAILPOINT). A task that
 * ends first never reached the step: the test fails with the task's answer instead of waiting
 * for an exit that never comes.
 */
export async function untilFailpoint(stack: Stack, taskId: string): Promise<void> {
  const first = await Promise.race([
    stack.agent.exited.then((exit) => ({ exit })),
    waitTask(stack, taskId).then((task) => ({ task })),
  ]);
  if ('task' in first) {
    assert.fail(
      `the task ended before the failpoint: ${JSON.stringify(first.task.error ?? first.task.status)}`,
    );
  }
  assert.equal(first.exit.signal, 'SIGKILL');
}

/** The agent killed at its failpoint and started again without it: the task as the replay ended it. */
export async function replayedAfterKill(stack: Stack, taskId: string): Promise<Task> {
  await untilFailpoint(stack, taskId);
  await stack.restartAgent({ env: {} });
  return waitTask(stack, taskId);
}
