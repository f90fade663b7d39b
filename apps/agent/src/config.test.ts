import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { loadConfig } from './config.js';

const dirs: string[] = [];
after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function dataDir() {
  const dir = await mkdtemp(path.join(tmpdir(), 'berth-config-'));
  dirs.push(dir);
  return dir;
}

test('defaults fill what is unset or empty, and numbers are numbers', async () => {
  const dir = await dataDir();
  const config = loadConfig({
    BERTH_AGENT_DATA_DIR: dir,
    BERTH_AGENT_PORT: '9001',
    BERTH_AGENT_SHELL_IDLE_SECONDS: '2',
    BERTH_AGENT_ACCEL: '',
  });
  assert.equal(config.port, 9001);
  assert.equal(config.shellIdleMs, 2000);
  assert.equal(config.accel, 'auto');
  assert.equal(config.bridge, 'berth0');
  assert.equal(config.templateDir, path.join(dir, 'templates'));
  // A token is made once and kept.
  assert.equal(loadConfig({ BERTH_AGENT_DATA_DIR: dir }).token, config.token);
});

test('every bad value is named in one error', async () => {
  const dir = await dataDir();
  assert.throws(
    () =>
      loadConfig({
        BERTH_AGENT_DATA_DIR: dir,
        BERTH_AGENT_PORT: 'eighty',
        BERTH_AGENT_ACCEL: 'xen',
        BERTH_AGENT_BRIDGE: 'a-bridge-name-too-long',
      }),
    (err: Error) =>
      /BERTH_AGENT_PORT="eighty"/.test(err.message) &&
      /BERTH_AGENT_ACCEL="xen"/.test(err.message) &&
      /BERTH_AGENT_BRIDGE=/.test(err.message),
  );
});
