import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CreateNetwork, UpdateNetwork, VxlanSettings } from './index.js';

const paths = (v: unknown) => {
  const r = VxlanSettings.safeParse(v);
  return r.success ? [] : r.error.issues.map((i) => i.path.join('.'));
};

test('an overlay: a VNI of 24 bits, 1 to 16 unicast peers once each, the port 4789 unless named', () => {
  const ok = VxlanSettings.parse({ id: 16_777_215, remotes: ['192.0.2.10'] });
  assert.equal(ok.port, 4789);
  assert.equal(ok.local, undefined);
  assert.deepEqual(paths({ id: 0, remotes: ['192.0.2.10'] }), ['id']);
  assert.deepEqual(paths({ id: 16_777_216, remotes: ['192.0.2.10'] }), ['id']);
  assert.deepEqual(paths({ id: 5, remotes: [] }), ['remotes']);
  const seventeen = Array.from({ length: 17 }, (_, i) => `192.0.2.${i + 1}`);
  assert.deepEqual(paths({ id: 5, remotes: seventeen }), ['remotes']);
  assert.deepEqual(paths({ id: 5, remotes: ['192.0.2.1', '192.0.2.1'] }), ['remotes']);
  for (const peer of ['239.1.1.1', '127.0.0.1', '0.0.0.0', '255.255.255.255', '10.0.0']) {
    assert.deepEqual(paths({ id: 5, remotes: [peer] }), ['remotes.0'], peer);
  }
  assert.deepEqual(paths({ id: 5, remotes: ['192.0.2.1'], local: '224.0.0.1' }), ['local']);
  assert.deepEqual(paths({ id: 5, remotes: ['192.0.2.1'], port: 70_000 }), ['port']);
  assert.deepEqual(paths({ id: 5, remotes: ['192.0.2.1'], group: '239.1.1.1' }), ['']);
});

test('a network has no overlay unless asked; an update leaves it, replaces it or removes it', () => {
  assert.equal(CreateNetwork.parse({ name: 'n', ipv4: '10.0.5.1/24' }).vxlan, null);
  assert.equal(UpdateNetwork.parse({}).vxlan, undefined);
  assert.equal(UpdateNetwork.parse({ vxlan: null }).vxlan, null);
  assert.equal(UpdateNetwork.parse({ vxlan: { id: 7, remotes: ['192.0.2.9'] } }).vxlan?.id, 7);
});
