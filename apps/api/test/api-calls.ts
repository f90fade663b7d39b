import assert from 'node:assert/strict';
import type { ErrorBody, Task } from '@berth/contracts';
import type { Stack } from './harness.js';

type TaskReply = { task: Task };

/**
 * The calls the real-stack network tests make on their stack: any call, one that must answer
 * `status`, and a task that must succeed. `stack` is read at each call (made in a `before`).
 */
export function apiCalls(stack: () => Stack) {
  const call = <T>(method: string, url: string, body?: unknown) =>
    stack().call<T & ErrorBody>(method, url, body);
  const ok = async <T>(method: string, url: string, body?: unknown, status = 200) => {
    const res = await call<T>(method, url, body);
    assert.equal(res.status, status, `${method} ${url}: ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const task = async (url: string, body?: unknown) => {
    const res = await call<TaskReply>('POST', url, body);
    assert.ok(res.status < 300, `${url}: ${JSON.stringify(res.body)}`);
    assert.equal(res.body.task.status, 'succeeded', JSON.stringify(res.body.task.error));
    return res.body.task;
  };
  return { call, ok, task };
}
