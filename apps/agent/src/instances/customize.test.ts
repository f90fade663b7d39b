import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hashPassword, withRootHash } from './customize.js';

test('replaces root hash and keeps the rest of the line and file', () => {
  const shadow = 'root:*:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n';
  assert.equal(
    withRootHash(shadow, '$6$salt$hash'),
    'root:$6$salt$hash:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n',
  );
});

test('adds a root line when the file has none', () => {
  assert.equal(withRootHash('', '$6$x$y'), 'root:$6$x$y:19000:0:99999:7:::\n');
});

test('a root password is hashed with SHA-512, and one with a control character is refused', async () => {
  assert.match(await hashPassword('s3cret-pass'), /^\$6\$[^:$]+\$[^:]+$/);
  for (const bad of ['', 'a\u0000b', 'line\nbreak', 'del\u007f']) {
    await assert.rejects(hashPassword(bad), /control characters/, JSON.stringify(bad));
  }
});
