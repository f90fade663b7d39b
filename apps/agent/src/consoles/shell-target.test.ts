import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findUser } from './shell-target.js';

test('findUser reads uid, gid and home from passwd lines', () => {
  const passwd =
    'root:x:0:0:root:/root:/bin/bash\nwww-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\n';
  assert.deepEqual(findUser(passwd, 'www-data'), { uid: 33, gid: 33, home: '/var/www' });
  assert.equal(findUser(passwd, 'nobody'), null);
  assert.equal(findUser(passwd, 'www'), null);
});
