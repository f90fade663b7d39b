import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hoistHeadScripts } from './hoist-head-scripts.mjs';

test("the head's inline scripts go before its first link, in order; the body's and src scripts stay", () => {
  const page =
    '<!DOCTYPE html><html><head><meta charSet="utf-8"/><link rel="stylesheet" href="/a.css"/>' +
    '<script src="/c.js" async=""></script><script>theme()</script><script>boot()</script>' +
    '<title>x</title></head><body><script>self.__next_f.push(1)</script></body></html>';
  assert.equal(
    hoistHeadScripts(page),
    '<!DOCTYPE html><html><head><meta charSet="utf-8"/><script>theme()</script><script>boot()</script>' +
      '<link rel="stylesheet" href="/a.css"/><script src="/c.js" async=""></script>' +
      '<title>x</title></head><body><script>self.__next_f.push(1)</script></body></html>',
  );
});

test('a page without a link or without inline head scripts is left as it is', () => {
  for (const page of [
    '<html><head><script>a()</script></head><body></body></html>',
    '<html><head><link rel="stylesheet" href="/a.css"/></head><body><script>b()</script></body></html>',
    'not a page',
  ]) {
    assert.equal(hoistHeadScripts(page), page);
  }
});
