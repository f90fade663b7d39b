import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { LEASE_FILE, LeaseWatch, parseLeases } from './leases.js';

test('a lease file gives each MAC its address; expired, foreign and broken lines count for none', () => {
  const text = [
    '1000 52:54:00:00:00:01 10.0.0.200 tiny 01:52:54:00:00:00:01',
    '0 52:54:00:00:00:02 10.0.0.201 * *',
    '10 52:54:00:00:00:03 10.0.0.202 old *',
    '2000 52:54:00:00:00:01 10.0.0.210 tiny *',
    '1500 52:54:00:00:00:04 fd42::5 six *',
    'duid 00:01:00:01:2c:00:00:00:52:54:00:00:00:09',
    'x 52:54:00:00:00:05 10.0.0.205 * *',
    '',
  ].join('\n');
  assert.deepEqual(
    [...parseLeases(text, 500)],
    [
      ['52:54:00:00:00:01', '10.0.0.210'],
      ['52:54:00:00:00:02', '10.0.0.201'],
    ],
  );
});

test('the watch reads the file as dnsmasq makes and rewrites it, and says when it changed', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'berth-leases-'));
  let changes = 0;
  const lw = await LeaseWatch.start(dir, () => changes++);
  try {
    assert.equal(lw.of('52:54:00:00:00:01'), null);
    const until = Math.floor(Date.now() / 1000) + 3600;
    await writeFile(path.join(dir, LEASE_FILE), `${until} 52:54:00:00:00:01 10.0.0.200 * *\n`);
    const deadline = Date.now() + 5000;
    while (lw.of('52:54:00:00:00:01') === null && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(lw.of('52:54:00:00:00:01'), '10.0.0.200');
    assert.equal(changes, 1);
  } finally {
    lw.close();
    await rm(dir, { recursive: true, force: true });
  }
});
