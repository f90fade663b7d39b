import assert from 'node:assert/strict';
import { runInNewContext } from 'node:vm';
import { test } from 'node:test';
import { bootScript, forgetBoot, takeBoot } from './boot';

/** The URLs the inline script asks for on a page, run as the browser would (no modules). */
function bootUrls(pathname: string): string[] {
  const asked: string[] = [];
  const window: { __berthBoot?: Record<string, unknown> } = {};
  runInNewContext(bootScript, {
    window,
    location: { pathname },
    fetch: (url: string) => {
      asked.push(url);
      return Promise.resolve({});
    },
  });
  assert.deepEqual(Object.keys(window.__berthBoot ?? {}), asked);
  return asked;
}

test('every page checks the session; public pages ask for nothing else', () => {
  assert.deepEqual(bootUrls('/login/'), ['/api/v1/auth/me']);
  assert.deepEqual(bootUrls('/share'), ['/api/v1/auth/me']);
});

test('signed-in pages ask for the frame’s data and their first screen’s', () => {
  assert.deepEqual(bootUrls('/instances/'), [
    '/api/v1/auth/me',
    '/api/v1/instances',
    '/api/v1/hosts',
    '/api/v1/tasks?limit=50',
  ]);
  assert.deepEqual(bootUrls('/'), [
    '/api/v1/auth/me',
    '/api/v1/instances',
    '/api/v1/hosts',
    '/api/v1/tasks?limit=50',
    '/api/v1/metrics/top',
  ]);
  assert.deepEqual(bootUrls('/audit'), ['/api/v1/auth/me', '/api/v1/instances', '/api/v1/hosts']);
});

test('an answer is taken once, and not after a new session', () => {
  const answer = Promise.resolve(new Response('{}'));
  const g = globalThis as { window?: unknown };
  g.window = globalThis;
  try {
    window.__berthBoot = { '/api/v1/auth/me': answer, '/api/v1/hosts': answer };
    assert.equal(takeBoot('/api/v1/auth/me'), answer);
    assert.equal(takeBoot('/api/v1/auth/me'), undefined);
    forgetBoot();
    assert.equal(takeBoot('/api/v1/hosts'), undefined);
  } finally {
    delete g.window;
  }
});
