/* global process, setTimeout */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

const supervisor = path.join(import.meta.dirname, 'supervise.mjs');

async function until(what, check, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

function supervise(dir, script) {
  const proc = spawn(
    process.execPath,
    [
      supervisor,
      '--name',
      'svc',
      '--run-dir',
      dir,
      '--log',
      path.join(dir, 'svc.log'),
      '--',
      process.execPath,
      '-e',
      script,
    ],
    { stdio: 'ignore' },
  );
  const childPid = () => {
    try {
      return Number(readFileSync(path.join(dir, 'svc.child.pid'), 'utf8')) || null;
    } catch {
      return null;
    }
  };
  const exited = new Promise((resolve) => proc.on('exit', (code) => resolve(code)));
  return { proc, childPid, exited };
}

test('a killed service is back within 5 s, and stopping the supervisor stops it', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'berth-supervise-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const s = supervise(dir, 'setInterval(() => {}, 1000)');
  t.after(() => s.proc.kill('SIGKILL'));
  const first = await until('the service', s.childPid);
  process.kill(first, 'SIGKILL');
  const killedAt = Date.now();
  const second = await until('a restart', () => {
    const pid = s.childPid();
    return pid && pid !== first && alive(pid) ? pid : null;
  });
  assert.ok(Date.now() - killedAt < 5000, `restarted after ${Date.now() - killedAt} ms`);
  assert.match(readFileSync(path.join(dir, 'svc.log'), 'utf8'), /exited \(SIGKILL\); restarting/);

  s.proc.kill('SIGTERM');
  assert.equal(await s.exited, 0);
  await until('the service to end', () => !alive(second));
  assert.equal(existsSync(path.join(dir, 'svc.pid')), false);
  assert.equal(existsSync(path.join(dir, 'svc.child.pid')), false);
});

test('a service that exits cleanly is not restarted; one that keeps crashing backs off', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'berth-supervise-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const clean = supervise(dir, 'process.exit(0)');
  assert.equal(await clean.exited, 0);

  const crashing = supervise(dir, 'process.exit(3)');
  t.after(() => crashing.proc.kill('SIGTERM'));
  const log = path.join(dir, 'svc.log');
  await until(
    'three restarts',
    () => (readFileSync(log, 'utf8').match(/restarting in/g) ?? []).length >= 3,
  );
  const delays = [...readFileSync(log, 'utf8').matchAll(/restarting in (\d+) ms/g)].map((m) =>
    Number(m[1]),
  );
  assert.deepEqual(delays.slice(0, 3), [250, 500, 1000]);
});
