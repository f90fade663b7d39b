import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compressIdle, countUntil, parseCast, parseSize } from './asciicast';

const cast = [
  JSON.stringify({ version: 2, width: 100, height: 30, timestamp: 1700000000, title: 'shell' }),
  JSON.stringify([0.5, 'o', '$ ']),
  JSON.stringify([1.25, 'i', 'ls\r']),
  JSON.stringify([1.5, 'r', '120x40']),
  JSON.stringify([2, 'o', 'a b\r\n']),
  '[2.5, "o", "cut sho',
].join('\n');

test('parseCast reads the header and the events, ending at a line cut short', () => {
  const c = parseCast(cast);
  assert.deepEqual([c.width, c.height, c.title, c.timestamp], [100, 30, 'shell', 1700000000]);
  assert.equal(c.events.length, 4);
  assert.equal(c.duration, 2);
  assert.throws(() => parseCast('not json'), /not an asciicast file/);
  assert.throws(() => parseCast('{"version":1}'), /not v2/);
});

test('countUntil finds how many events a moment of the timeline has seen', () => {
  const { events } = parseCast(cast);
  const at = (t: number) => countUntil(events, (e) => e[0], t);
  assert.deepEqual([at(0), at(0.5), at(1.3), at(2), at(99)], [0, 1, 2, 4, 4]);
});

test('parseSize reads COLSxROWS', () => {
  assert.deepEqual(parseSize('120x40'), { cols: 120, rows: 40 });
  assert.equal(parseSize('120 x 40'), null);
});

test('compressIdle cuts long pauses down to the limit and keeps the order', () => {
  const c = parseCast(
    [
      JSON.stringify({ version: 2, width: 80, height: 24 }),
      JSON.stringify([0.5, 'o', 'a']),
      JSON.stringify([600.5, 'o', 'b']),
      JSON.stringify([601, 'o', 'c']),
    ].join('\n'),
  );
  const short = compressIdle(c, 2);
  assert.deepEqual(
    short.events.map((e) => e[0]),
    [0.5, 2.5, 3],
  );
  assert.equal(short.duration, 3);
  assert.equal(c.duration, 601, 'the original is left alone');
});
