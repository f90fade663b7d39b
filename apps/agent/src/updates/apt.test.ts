import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseUpgradable, upgradeArgs, upgradeProgress } from './apt.js';

// Captured from `apt list --upgradable` on a Debian 12 host (stdout; the CLI warning is stderr).
const CAPTURED = `Listing...
appstream/oldstable 0.16.1-2+b1 amd64 [upgradable from: 0.16.1-2]
apt-transport-https/oldstable-security 2.6.2 all [upgradable from: 2.6.1]
ca-certificates/oldstable-security 20250419~deb12u2 all [upgradable from: 20230311+deb12u1]
libssl3/bookworm-security,bookworm-updates 3.0.17-1~deb12u3 amd64 [upgradable from: 3.0.15-1~deb12u1]
dpkg/oldstable 1.21.23 amd64 [upgradable from: 1.21.22]

`;

test('apt list --upgradable: names, versions from and to, arch, origin and the security flag', () => {
  const list = parseUpgradable(CAPTURED);
  assert.deepEqual(
    list.map((p) => [p.name, p.from, p.to, p.security]),
    [
      ['appstream', '0.16.1-2', '0.16.1-2+b1', false],
      ['apt-transport-https', '2.6.1', '2.6.2', true],
      ['ca-certificates', '20230311+deb12u1', '20250419~deb12u2', true],
      ['libssl3', '3.0.15-1~deb12u1', '3.0.17-1~deb12u3', true],
      ['dpkg', '1.21.22', '1.21.23', false],
    ],
  );
  assert.equal(list[3]!.origin, 'bookworm-security,bookworm-updates');
  assert.equal(list[1]!.arch, 'all');
});

test('nothing upgradable, warnings and stray lines give an empty list', () => {
  assert.deepEqual(parseUpgradable('Listing...\n'), []);
  assert.deepEqual(
    parseUpgradable('WARNING: apt does not have a stable CLI interface.\n\nListing... Done\n'),
    [],
  );
});

test('an upgrade asks nothing and keeps config files; a simulation is -s', () => {
  assert.deepEqual(upgradeArgs(true).slice(0, 1), ['-s']);
  assert.deepEqual(upgradeArgs(false).slice(0, 1), ['-y']);
  assert.ok(upgradeArgs(false).includes('Dpkg::Options::=--force-confold'));
  assert.equal(upgradeArgs(false).at(-1), 'upgrade');
});

test('progress counts two marks a package, from real or simulated output', () => {
  assert.equal(upgradeProgress('Unpacking bash (5.2.15-2+b13) over (5.2.15-2+b8) ...', 4), 0.125);
  assert.equal(upgradeProgress('Setting up bash (5.2.15-2+b13) ...', 4), 0.125);
  assert.equal(
    upgradeProgress('Inst bash [5.2.15-2+b8] (5.2.15-2+b13 Debian:12.12/oldstable [amd64])', 2),
    0.25,
  );
  assert.equal(upgradeProgress('Reading package lists...', 4), null);
  assert.equal(upgradeProgress('Setting up x', 0), null);
});
