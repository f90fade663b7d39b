import assert from 'node:assert/strict';
import { test } from 'node:test';
import { aptSources } from './rootfs-debian.js';

test("a Debian-laid-out mirror gets its security archive beside it; another mirror doesn't", () => {
  assert.equal(
    aptSources('http://deb.debian.org/debian/'),
    [
      'deb http://deb.debian.org/debian bookworm main',
      'deb http://deb.debian.org/debian bookworm-updates main',
      'deb http://deb.debian.org/debian-security bookworm-security main',
      '',
    ].join('\n'),
  );
  assert.doesNotMatch(aptSources('http://mirror.example/apt'), /security/);
});
