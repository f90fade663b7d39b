import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Scrollback } from './scrollback.js';

test('scrollback keeps everything under its limit', () => {
  const s = new Scrollback(10);
  s.push(Buffer.from('abc'));
  s.push(Buffer.from('def'));
  assert.equal(s.contents().toString(), 'abcdef');
});

test('scrollback drops and trims the oldest bytes past its limit', () => {
  const s = new Scrollback(5);
  s.push(Buffer.from('abc'));
  s.push(Buffer.from('defg'));
  assert.equal(s.contents().toString(), 'cdefg');
  s.push(Buffer.from('0123456789'));
  assert.equal(s.contents().toString(), '56789');
});
