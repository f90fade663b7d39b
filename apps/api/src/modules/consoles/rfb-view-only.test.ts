import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RfbViewOnlyFilter } from './rfb-view-only.js';

const handshake = Buffer.concat([Buffer.from('RFB 003.008\n'), Buffer.from([1]), Buffer.from([0])]);
const updateRequest = Buffer.from([3, 0, 0, 0, 0, 0, 2, 128, 1, 144]);
const key = Buffer.from([4, 1, 0, 0, 0, 0, 0, 0x61]);
const pointer = Buffer.from([5, 1, 0, 10, 0, 20]);
const qemuKey = Buffer.from([255, 0, 0, 1, 0, 0, 0, 0x61, 0, 0, 0, 0x1e]);
const encodings = Buffer.from([2, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 7]);
const cut = Buffer.concat([Buffer.from([6, 0, 0, 0, 0, 0, 0, 3]), Buffer.from('abc')]);

test('view-only VNC keeps the handshake and update requests, forcing a shared session', () => {
  const f = new RfbViewOnlyFilter();
  const out = f.push(Buffer.concat([handshake, encodings, updateRequest]));
  assert.deepEqual(
    out,
    Buffer.concat([Buffer.from('RFB 003.008\n'), Buffer.from([1, 1]), encodings, updateRequest]),
  );
});

test('view-only VNC drops keys, pointer, QEMU keys and clipboard, split anywhere', () => {
  const f = new RfbViewOnlyFilter();
  f.push(handshake);
  const stream = Buffer.concat([key, pointer, updateRequest, qemuKey, cut, updateRequest]);
  const out: Buffer[] = [];
  for (let i = 0; i < stream.length; i += 3) out.push(f.push(stream.subarray(i, i + 3)));
  assert.deepEqual(Buffer.concat(out), Buffer.concat([updateRequest, updateRequest]));
});

test('view-only VNC refuses what it cannot parse', () => {
  const f = new RfbViewOnlyFilter();
  f.push(handshake);
  assert.throws(() => f.push(Buffer.from([99, 0, 0])), /unknown VNC client message 99/);
});
