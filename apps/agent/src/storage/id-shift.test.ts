import assert from 'node:assert/strict';
import { chmod, chown, lstat, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { exec } from '../run.js';
import { hostFileCapabilities, parseGetcap, shiftOwnership, shiftedId } from './id-shift.js';

const range = { hostBase: 165536, count: 65536 };
const asRoot = { skip: process.getuid?.() !== 0 ? 'needs root (chown)' : false };

test('ids inside the range move up by its base; ids past it stay', () => {
  assert.equal(shiftedId(0, range), 165536);
  assert.equal(shiftedId(65534, range), 231070);
  assert.equal(shiftedId(65536, range), null);
  assert.equal(shiftedId(165536, range), null);
});

test('getcap lines: plain capabilities are kept, namespaced ones skipped', () => {
  assert.deepEqual(
    parseGetcap(
      '/r/usr/bin/ping cap_net_raw=ep\n/r/a b/tool cap_net_admin+ep\n/r/x cap_net_raw=ep [rootid=165536]\n',
    ),
    [
      { file: '/r/usr/bin/ping', caps: 'cap_net_raw=ep' },
      { file: '/r/a b/tool', caps: 'cap_net_admin+ep' },
    ],
  );
});

test(
  'shifts every entry, symlinks themselves included, keeping setuid, setgid and caps',
  asRoot,
  async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'berth-idshift-'));
    try {
      await mkdir(path.join(root, 'etc/deep/er'), { recursive: true });
      await writeFile(path.join(root, 'etc/shadow'), 'x');
      await chown(path.join(root, 'etc/shadow'), 0, 42);
      await writeFile(path.join(root, 'etc/deep/er/su'), 'x');
      await chmod(path.join(root, 'etc/deep/er/su'), 0o6755);
      await writeFile(path.join(root, 'ping'), 'x');
      await chmod(path.join(root, 'ping'), 0o755);
      await exec('setcap', ['cap_net_raw=ep', path.join(root, 'ping')]);
      await writeFile(path.join(root, 'nobody'), 'x');
      await chown(path.join(root, 'nobody'), 65534, 65534);
      // Dangling and pointing at the host's /etc: lchown must touch the link, never its target.
      await symlink('/etc/passwd', path.join(root, 'link'));
      await shiftOwnership(root, range);

      const owner = async (rel: string) => {
        const st = await lstat(path.join(root, rel));
        return [st.uid, st.gid, st.mode & 0o7777];
      };
      assert.deepEqual((await owner('.')).slice(0, 2), [165536, 165536]);
      assert.deepEqual((await owner('etc/shadow')).slice(0, 2), [165536, 165578]);
      assert.deepEqual(await owner('etc/deep/er/su'), [165536, 165536, 0o6755]);
      assert.deepEqual((await owner('nobody')).slice(0, 2), [231070, 231070]);
      assert.deepEqual((await owner('link')).slice(0, 2), [165536, 165536]);
      assert.equal((await lstat('/etc/passwd')).uid, 0);
      const caps = await exec('getcap', ['-n', path.join(root, 'ping')]);
      assert.match(caps.stdout, /cap_net_raw=ep \[rootid=165536\]/);

      // A second walk (a retried step) changes nothing.
      await shiftOwnership(root, range);
      assert.deepEqual(await owner('etc/deep/er/su'), [165536, 165536, 0o6755]);
      assert.match((await exec('getcap', ['-n', path.join(root, 'ping')])).stdout, /rootid=165536/);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  },
);

test(
  'a walk resumed after a kill finishes the tree and restores the capabilities listed before it',
  asRoot,
  async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'berth-idshift-'));
    try {
      await writeFile(path.join(root, 'ping'), 'x');
      await exec('setcap', ['cap_net_raw=ep', path.join(root, 'ping')]);
      await writeFile(path.join(root, 'later'), 'x');
      const listed = await hostFileCapabilities(root);
      // The first walk got as far as ping: its chown dropped the capability, then the kill.
      await chown(path.join(root, 'ping'), 165536, 165536);
      assert.equal((await exec('getcap', ['-n', path.join(root, 'ping')])).stdout.trim(), '');

      await shiftOwnership(root, range, { capped: listed });
      assert.equal((await lstat(path.join(root, 'later'))).uid, 165536);
      assert.equal((await lstat(path.join(root, 'ping'))).uid, 165536);
      const caps = await exec('getcap', ['-n', path.join(root, 'ping')]);
      assert.match(caps.stdout, /cap_net_raw=ep \[rootid=165536\]/);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  },
);
