import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import type { ErrorBody } from '@berth/contracts';
import { inlineScriptHashes } from '../../src/plugins/security-headers.js';
import { buildTestApi, type TestApi } from './build-test-api.js';

const WEB_DIR = fileURLToPath(new URL('../../../web/out/', import.meta.url));
const built = existsSync(`${WEB_DIR}/index.html`);

const directive = (csp: string, name: string) =>
  csp
    .split(';')
    .map((d) => d.trim().split(/\s+/))
    .find(([n]) => n === name)
    ?.slice(1);

// Issue 11, finding 9 (headers): every answer says nosniff, no framing, no referrer, and carries
// a Content-Security-Policy whose scripts are this origin's files and the pages' own hashes.
describe('security headers and static files', { skip: !built && 'the web UI is not built' }, () => {
  let t: TestApi;
  before(async () => {
    t = await buildTestApi({ config: { webDir: WEB_DIR } });
  });
  after(() => t.close());

  function assertHeaders(res: { headers: Record<string, unknown> }, what: string) {
    assert.equal(res.headers['x-content-type-options'], 'nosniff', what);
    assert.equal(res.headers['x-frame-options'], 'DENY', what);
    assert.equal(res.headers['referrer-policy'], 'no-referrer', what);
    const csp = String(res.headers['content-security-policy'] ?? '');
    assert.deepEqual(directive(csp, 'frame-ancestors'), ["'none'"], `${what}: ${csp}`);
    assert.deepEqual(directive(csp, 'object-src'), ["'none'"], what);
    const scripts = directive(csp, 'script-src') ?? [];
    assert.equal(scripts[0], "'self'", what);
    for (const s of scripts.slice(1)) assert.match(s, /^'sha256-[A-Za-z0-9+/]+=*'$/, what);
    assert.equal(directive(csp, 'upgrade-insecure-requests'), undefined, 'plain HTTP still works');
    return csp;
  }

  test('API answers, refusals, pages and the 404 page all carry the headers', async () => {
    const admin = await t.as('admin');
    for (const [url, headers, status] of [
      ['/api/health', {}, 200],
      ['/api/v1/instances', {}, 401],
      ['/api/v1/instances', admin, 200],
      ['/api/v1/no-such-route', admin, 404],
      ['/', {}, 200],
      ['/login/', {}, 200],
      ['/no-such-page/', {}, 404],
      ['/api/docs/', {}, 200],
    ] as const) {
      const res = await t.inject({ url, headers });
      assert.equal(res.statusCode, status, `${url}: ${res.body.slice(0, 200)}`);
      assertHeaders(res, url);
    }
  });

  test("each page's inline bootstrap scripts are allowed by hash, and only those", async () => {
    for (const url of ['/', '/login/', '/instances/', '/no-such-page/']) {
      const res = await t.inject({ url });
      const csp = assertHeaders(res, url);
      const hashes = inlineScriptHashes(res.body);
      assert.ok(hashes.length > 0, `${url} has inline scripts`);
      assert.deepEqual(
        new Set(directive(csp, 'script-src')?.slice(1)),
        new Set(hashes),
        `${url}: the policy lists exactly the page's own scripts`,
      );
    }
  });

  test('hashed build files are cached for good, pages are asked again every time', async () => {
    const page = await t.inject({ url: '/instances/' });
    assert.equal(page.headers['cache-control'], 'no-cache');
    const chunk = /src="(\/_next\/static\/[^"]+\.js)"/.exec(page.body)?.[1];
    assert.ok(chunk, 'the page loads a hashed chunk');
    const res = await t.inject({ url: chunk });
    assert.equal(res.statusCode, 200);
    // Revalidated on every load, each of a page's dozen chunks cost a round trip and the API's
    // time before it could run (bench/web).
    assert.equal(res.headers['cache-control'], 'public, max-age=31536000, immutable');
  });

  test('static files are not reachable through encoded slashes or dot segments', async () => {
    for (const url of [
      '/_next/..%2findex.html',
      '/_next/..%2Findex.html',
      '/_next/static/..%2f..%2findex.html',
      '/_next/..%2f..%2fpackage.json',
      '/_next/..%5cindex.html',
      '/_next/%2e%2e%2findex.html',
      '/login/..%2f404.html',
    ]) {
      const res = await t.inject({ url });
      assert.equal(res.statusCode, 404, `${url}: ${res.body.slice(0, 100)}`);
      assert.equal(res.json<ErrorBody>().error.code, 'not_found', url);
      assertHeaders(res, url);
    }
    const direct = await t.inject({ url: '/_next/static/does-not-exist.js' });
    assert.equal(direct.statusCode, 404);
  });
});
