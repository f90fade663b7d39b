import assert from 'node:assert/strict';
import { test } from 'node:test';
import { installedPackages, packageChanges, parseDpkgList } from './template-packages.js';

// Captured from dpkg-query -W -f '${Package}\t${Version}\n' in a debian-12 template tree.
const CAPTURED =
  'apt\t2.6.1\nbase-files\t12.4+deb12u11\nlibc6\t2.36-9+deb12u9\nsystemd\t252.36-1~deb12u1\n\n';

test('dpkg-query output: name → version, blank lines skipped', () => {
  assert.deepEqual(parseDpkgList(CAPTURED), {
    apt: '2.6.1',
    'base-files': '12.4+deb12u11',
    libc6: '2.36-9+deb12u9',
    systemd: '252.36-1~deb12u1',
  });
});

test('what a rebuild changed: upgraded with both versions, added, removed; sorted by name', () => {
  const before = parseDpkgList(CAPTURED);
  const after = { ...before, libc6: '2.36-9+deb12u10', systemd: '252.38-1~deb12u1', zstd: '1.5.4' };
  delete (after as Record<string, string>).apt;
  assert.deepEqual(packageChanges(before, after), {
    upgraded: [
      { name: 'libc6', from: '2.36-9+deb12u9', to: '2.36-9+deb12u10' },
      { name: 'systemd', from: '252.36-1~deb12u1', to: '252.38-1~deb12u1' },
    ],
    added: [{ name: 'zstd', version: '1.5.4' }],
    removed: [{ name: 'apt', version: '2.6.1' }],
  });
  assert.deepEqual(packageChanges(before, before), { upgraded: [], added: [], removed: [] });
});

test("the host's own dpkg database reads through --admindir; a tree without dpkg is null", async () => {
  const host = await installedPackages('/');
  assert.ok(host && Object.keys(host).length > 50, 'this Debian host lists its packages');
  assert.match(host['dpkg'] ?? '', /^\d/);
  assert.equal(await installedPackages('/nonexistent-root'), null);
});
