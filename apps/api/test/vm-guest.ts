import assert from 'node:assert/strict';
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
