import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import {
  AGENT_RANGE,
  CONTAINER_SLOTS,
  ensureSubordinateRanges,
  idmapLines,
  parseSubordinate,
  pickIdRange,
  withAgentRange,
} from './idmap.js';

test('containers get consecutive 65536-id ranges from 100000, the lowest free first', () => {
  assert.deepEqual(pickIdRange([], []), { hostBase: 100000, count: 65536 });
  const first = { hostBase: 100000, count: 65536 };
  const third = { hostBase: 231072, count: 65536 };
  assert.deepEqual(pickIdRange([first, third], []), { hostBase: 165536, count: 65536 });
});

test('ranges other users own are never handed to a container', () => {
  const someone = { hostBase: 150000, count: 65536 };
  // 100000… and 165536… both overlap 150000…215535.
  assert.deepEqual(pickIdRange([], [someone]), { hostBase: 231072, count: 65536 });
});

test('no range left is null, not an overlap', () => {
  assert.equal(pickIdRange([AGENT_RANGE], []), null);
  assert.equal(AGENT_RANGE.count, CONTAINER_SLOTS * 65536);
  assert.ok(AGENT_RANGE.hostBase + AGENT_RANGE.count < 2 ** 32);
});

test('lxc.idmap lines map users and groups alike', () => {
  assert.deepEqual(idmapLines({ hostBase: 165536, count: 65536 }), [
    'lxc.idmap = u 0 165536 65536',
    'lxc.idmap = g 0 165536 65536',
  ]);
});

test("subordinate files: parsed leniently, root's range added once", () => {
  assert.deepEqual(parseSubordinate('alice:100000:65536\n# note\nbad\n\n'), [
    { owner: 'alice', hostBase: 100000, count: 65536 },
  ]);
  const added = withAgentRange('alice:600000000:65536');
  assert.equal(added, `alice:600000000:65536\nroot:100000:${AGENT_RANGE.count}\n`);
  assert.equal(withAgentRange(added ?? ''), null);
  assert.equal(withAgentRange(`root:100000:${AGENT_RANGE.count + 5}\n`), null);
});

test('ensureSubordinateRanges writes both files once and reports the other owners', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'berth-subid-'));
  try {
    const subuid = path.join(dir, 'subuid');
    const subgid = path.join(dir, 'subgid');
    await writeFile(subuid, 'alice:100000:65536\n');
    const others = await ensureSubordinateRanges([subuid, subgid]);
    assert.deepEqual(others, [{ owner: 'alice', hostBase: 100000, count: 65536 }]);
    const line = `root:100000:${AGENT_RANGE.count}\n`;
    assert.equal(await readFile(subuid, 'utf8'), `alice:100000:65536\n${line}`);
    assert.equal(await readFile(subgid, 'utf8'), line);
    assert.equal((await stat(subgid)).mode & 0o777, 0o644);
    await ensureSubordinateRanges([subuid, subgid]);
    assert.equal(await readFile(subgid, 'utf8'), line);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
