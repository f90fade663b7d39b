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
    haltSignal: 'SIGUSR2',
    consoleLog: '/d/101/console.log',
  });
  assert.match(text, /^lxc\.rootfs\.path = loop:\/d\/images\/101\.img$/m);
  assert.match(text, /^lxc\.uts\.name = web\.example\.test$/m);
  assert.match(text, /^lxc\.net\.0\.ipv4\.address = 10\.210\.0\.10\/24 10\.210\.0\.255$/m);
  assert.match(text, /^lxc\.net\.0\.ipv4\.gateway = 10\.210\.0\.1$/m);
  assert.match(text, /^lxc\.start\.auto = 1$/m);
  assert.match(text, /^lxc\.signal\.halt = SIGUSR2$/m);
});

test('MAC addresses are stable and locally administered', () => {
  assert.equal(macFor(record.id), macFor(record.id));
  assert.match(macFor(record.id), /^02(:[0-9a-f]{2}){5}$/);
  assert.notEqual(macFor(record.id), macFor('another'));
});
