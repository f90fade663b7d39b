import assert from 'node:assert/strict';
import { test } from 'node:test';
import { originAllowed } from './origin.js';

test('a console WebSocket is allowed from its own origin, listed ones, or no browser at all', () => {
  assert.equal(originAllowed('http://berth.local:8080', 'berth.local:8080', []), true);
  assert.equal(originAllowed(undefined, 'berth.local:8080', []), true);
  assert.equal(
    originAllowed('https://ops.example', 'berth.local:8080', ['https://ops.example']),
    true,
  );
});

test('a console WebSocket from a foreign or malformed origin is refused', () => {
  assert.equal(originAllowed('http://evil.example', 'berth.local:8080', []), false);
  assert.equal(originAllowed('http://berth.local:9999', 'berth.local:8080', []), false);
  assert.equal(originAllowed('null', 'berth.local:8080', []), false);
});
