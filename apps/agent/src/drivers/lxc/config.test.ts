import assert from 'node:assert/strict';
import { test } from 'node:test';
import { macFor, renderLxcConfig, type LxcContainer } from './config.js';

const record: LxcContainer = {
  id: '3f1d5a8e-2b7c-4e1a-9f0d-1c2b3a4d5e6f',
  hostname: 'web.example.test',
  ipv4: '10.210.0.10/24',
  gateway: '10.210.0.1',
  onboot: true,
};

test('renders the LXC config from the record', () => {
  const text = renderLxcConfig(record, {
    image: '/d/images/101.img',
    bridge: 'berth0',
    bridgeFor: () => 'unused',
    haltSignal: 'SIGUSR2',
    consoleLog: '/d/101/console.log',
    apparmor: false,
    cgroup: { version: 'v1', settings: [{ key: 'memory.limit_in_bytes', value: '67108864' }] },
  });
  assert.match(text, /^lxc\.rootfs\.path = loop:\/d\/images\/101\.img$/m);
  assert.match(text, /^lxc\.uts\.name = web\.example\.test$/m);
  assert.match(text, /^lxc\.net\.0\.ipv4\.address = 10\.210\.0\.10\/24 10\.210\.0\.255$/m);
  assert.match(text, /^lxc\.net\.0\.ipv4\.gateway = 10\.210\.0\.1$/m);
  assert.match(text, /^lxc\.start\.auto = 1$/m);
  assert.match(text, /^lxc\.signal\.halt = SIGUSR2$/m);
  assert.match(text, /^lxc\.cgroup\.memory\.limit_in_bytes = 67108864$/m);
});

const opts = {
  image: '/d/images/101.img',
  bridge: 'berth0',
  bridgeFor: (network: string) => `br-${network}`,
  haltSignal: 'SIGUSR2',
  consoleLog: '/d/101/console.log',
  apparmor: false,
  cgroup: { version: 'v1' as const, settings: [] },
};
const unprivileged = { ...record, idmap: { hostBase: 165536, count: 65536 } };

test("an unprivileged container maps its ids and keeps LXC's default confinement", () => {
  const text = renderLxcConfig(unprivileged, opts);
  assert.match(text, /^lxc\.idmap = u 0 165536 65536$/m);
  assert.match(text, /^lxc\.idmap = g 0 165536 65536$/m);
  assert.match(text, /^lxc\.include = \/usr\/share\/lxc\/config\/common\.conf$/m);
  assert.match(text, /^lxc\.seccomp\.profile = \/usr\/share\/lxc\/config\/common\.seccomp$/m);
  // Emptying the capability drops or the device allowlist would undo common.conf.
  assert.doesNotMatch(text, /userns\.conf|^lxc\.cap\.(drop|keep) *=|devices\.(allow|deny)/m);
  assert.doesNotMatch(text, /apparmor/);
});

test('AppArmor confines an unprivileged container only where the host has it', () => {
  const text = renderLxcConfig(unprivileged, { ...opts, apparmor: true });
  assert.match(text, /^lxc\.apparmor\.profile = generated$/m);
  assert.match(text, /^lxc\.apparmor\.allow_nesting = 0$/m);
});

test('a privileged container has no id map and stays unconfined, as before', () => {
  for (const apparmor of [false, true]) {
    const text = renderLxcConfig(record, { ...opts, apparmor });
    assert.doesNotMatch(text, /lxc\.idmap/);
    assert.match(text, /^lxc\.apparmor\.profile = unconfined$/m);
  }
});

test('MAC addresses are stable and locally administered', () => {
  assert.equal(macFor(record.id), macFor(record.id));
  assert.match(macFor(record.id), /^02(:[0-9a-f]{2}){5}$/);
  assert.notEqual(macFor(record.id), macFor('another'));
});

test('adapters beside eth0: numbered on from lxc.net.1, named by index, no gateway; eth0 unchanged', () => {
  const plain = renderLxcConfig(record, opts);
  const text = renderLxcConfig(
    { ...record, adapters: [{ index: 2, network: 'lab', ipv4: '10.30.0.5/24' }] },
    opts,
  );
  assert.equal(
    text
      .split('\n')
      .filter((l) => l.startsWith('lxc.net.0.'))
      .join('\n'),
    plain
      .split('\n')
      .filter((l) => l.startsWith('lxc.net.0.'))
      .join('\n'),
  );
  assert.match(text, /^lxc\.net\.1\.link = br-lab$/m);
  assert.match(text, /^lxc\.net\.1\.name = eth2$/m);
  assert.match(text, /^lxc\.net\.1\.veth\.pair = vc3f1d5a8en2$/m);
  assert.match(text, /^lxc\.net\.1\.ipv4\.address = 10\.30\.0\.5\/24 10\.30\.0\.255$/m);
  assert.match(text, new RegExp(`^lxc\\.net\\.1\\.hwaddr = ${macFor(record.id, 2)}$`, 'm'));
  assert.doesNotMatch(text, /^lxc\.net\.1\.ipv4\.gateway/m);
  assert.notEqual(macFor(record.id, 2), macFor(record.id));
  assert.equal(macFor(record.id, 0), macFor(record.id));
});

test('a MAC set after the create replaces the derived one, on eth0 and on an adapter beside it', () => {
  const text = renderLxcConfig(
    {
      ...record,
      mac: '02:aa:00:00:00:01',
      adapters: [{ index: 1, network: 'lab', ipv4: '10.30.0.5/24', mac: '02:aa:00:00:00:02' }],
    },
    opts,
  );
  assert.match(text, /^lxc\.net\.0\.hwaddr = 02:aa:00:00:00:01$/m);
  assert.match(text, /^lxc\.net\.1\.hwaddr = 02:aa:00:00:00:02$/m);
});

test('a host-routed container: router mode, its addresses as a /32 and a /128, no bridge', () => {
  const text = renderLxcConfig(
    {
      ...record,
      networkMode: 'routed',
      ipv6: 'fd42:1:a::5/64',
      gateway6: 'fd42:1:a::1',
    },
    opts,
  );
  assert.match(text, /^lxc\.net\.0\.veth\.mode = router$/m);
  assert.doesNotMatch(text, /^lxc\.net\.0\.link/m);
  assert.match(text, /^lxc\.net\.0\.ipv4\.address = 10\.210\.0\.10\/32$/m);
  assert.match(text, /^lxc\.net\.0\.ipv6\.address = fd42:1:a::5\/128$/m);
  assert.match(text, /^lxc\.net\.0\.ipv6\.gateway = fd42:1:a::1$/m);
});
