import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

const MODULE = fileURLToPath(new URL('./unhandled.ts', import.meta.url));

test('an unhandled rejection is logged and the process keeps running', () => {
  // A separate process: the point is what Node does to the whole process, not to a test.
  const script = `
    import { logUnhandledRejections } from ${JSON.stringify(MODULE)};
    logUnhandledRejections({ error: (obj, msg) => console.log(msg, String(obj.err)) });
    void Promise.reject(new Error('SQLITE_FULL in a background write'));
    setTimeout(() => { console.log('still serving'); process.exit(0); }, 200);
  `;
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', script],
    { encoding: 'utf8', timeout: 20_000 },
  );
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /unhandled rejection \(kept serving\) Error: SQLITE_FULL/);
  assert.match(run.stdout, /still serving/);
});
