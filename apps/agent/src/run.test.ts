import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HOST_PATH, exec, follow, run } from './run.js';

/** Polls a condition instead of sleeping a fixed time. */
async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('host commands get the host PATH, not the agent environment', async () => {
  process.env.BERTH_SHOULD_NOT_LEAK = 'x';
  const { stdout } = await run('env', []);
  assert.match(stdout, new RegExp(`^PATH=${HOST_PATH}$`, 'm'));
  assert.doesNotMatch(stdout, /BERTH_SHOULD_NOT_LEAK/);
});

test('a failing command is an answer from exec and an error from run', async () => {
  assert.equal((await exec('false', [])).code, 1);
  await assert.rejects(run('false', []), /false exited 1/);
  assert.equal((await run('false', [], { okCodes: [1] })).code, 1);
});

test('follow restarts a helper that dies, and stop ends it for good', async () => {
  const pids: number[] = [];
  const lines: string[] = [];
  const followed = follow('echo', ['hello'], {
    onStart: (pid) => pids.push(pid),
    onLine: (line) => lines.push(line),
  });
  await until(() => pids.length >= 2 && lines.length >= 2);
  assert.deepEqual(lines.slice(0, 2), ['hello', 'hello']);
  await followed.stop();
  const count = pids.length;
  assert.ok(count >= 2);
});

test('stop ends a helper that is still running', async () => {
  const pids: number[] = [];
  const followed = follow('sleep', ['60'], { onStart: (pid) => pids.push(pid) });
  await until(() => pids.length === 1);
  await followed.stop();
  assert.throws(() => process.kill(pids[0] as number, 0), { code: 'ESRCH' });
  assert.equal(pids.length, 1);
});
