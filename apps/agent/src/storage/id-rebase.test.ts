import assert from 'node:assert/strict';
import { chmod, chown, lstat, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { exec } from '../run.js';
import { rebaseOwnership, shiftOwnership } from './id-shift.js';

const from = { hostBase: 165536, count: 65536 };
const to = { hostBase: 231072, count: 65536 };
const asRoot = { skip: process.getuid?.() !== 0 ? 'needs root (chown)' : false };

test(
  "a clone's tree moves from its source's range to its own, new files and caps included",
  asRoot,
  async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'berth-idrebase-'));
    try {
      await mkdir(path.join(root, 'etc'));
      await writeFile(path.join(root, 'etc/shadow'), 'x');
      await chown(path.join(root, 'etc/shadow'), 0, 42);
      await writeFile(path.join(root, 'su'), 'x');
      await chmod(path.join(root, 'su'), 0o4755);
      await writeFile(path.join(root, 'ping'), 'x');
      await exec('setcap', ['cap_net_raw=ep', path.join(root, 'ping')]);
      await shiftOwnership(root, from);
      // Written after the source's shift, as a clone's hostname is: host root's.
      await writeFile(path.join(root, 'etc/hostname'), 'clone\n');

      await rebaseOwnership(root, from, to);
      const owner = async (rel: string) => {
        const st = await lstat(path.join(root, rel));
        return [st.uid, st.gid, st.mode & 0o7777];
      };
      assert.deepEqual((await owner('.')).slice(0, 2), [231072, 231072]);
      assert.deepEqual((await owner('etc/shadow')).slice(0, 2), [231072, 231114]);
      assert.deepEqual((await owner('etc/hostname')).slice(0, 2), [231072, 231072]);
      assert.deepEqual(await owner('su'), [231072, 231072, 0o4755]);
      const caps = await exec('getcap', ['-n', path.join(root, 'ping')]);
      assert.match(caps.stdout, /cap_net_raw=ep \[rootid=231072\]/);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  },
);
