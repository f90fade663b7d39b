import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { descendants, parentOf } from './process-tree.js';

test('parentOf reads the ppid past a command name with spaces and parentheses', () => {
  assert.equal(parentOf('4242 (my (odd) name) S 17 4242 4242 0 -1'), 17);
});

test('descendants finds grandchildren', async () => {
  const child = spawn('sh', ['-c', 'sleep 30 & wait'], { stdio: 'ignore', detached: true });
  try {
    await new Promise((r) => setTimeout(r, 200));
    const found = await descendants(process.pid);
    assert.ok(found.includes(child.pid as number));
    assert.ok(found.length >= 2, `sh and its sleep, got ${found.join(',')}`);
  } finally {
    process.kill(-(child.pid as number), 'SIGKILL');
  }
});
