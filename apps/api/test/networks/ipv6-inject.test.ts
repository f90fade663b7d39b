import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ErrorBody, Network } from '@berth/contracts';
import { buildTestApi, type TestApi } from '../inject/build-test-api.js';

/** A network's IPv6 and a container's through the API: bad input is a 400 naming the field. */
describe('IPv6 on networks through the API', () => {
  let t: TestApi;
  before(async () => {
    t = await buildTestApi();
  });
  after(() => t.close());

  const send = async (method: 'POST' | 'PATCH', url: string, payload: unknown) =>
    t.inject({ method, url, payload: payload as object, headers: await t.as('admin') });

  test('a bad IPv6 gateway is a 400 naming ipv6, and reaches no agent', async () => {
    const calls = t.agent.calls.length;
    for (const ipv6 of [
      'fd42:1:2::1', // no prefix
      'fd42:1:2::1/48', // shorter than /64
      'fd42:1:2::1/121', // longer than /120
      'fe80::1/64', // link-local
      '::1/64', // loopback
      'ff02::1/64', // multicast
      'fd42:1:2::g/64', // not hex
      '10.0.0.1/24',
      '2::1/64', // 0002::, not global
    ]) {
      const made = await send('POST', '/api/v1/networks', {
        name: 'v6',
        ipv4: '10.6.0.1/24',
        ipv6,
      });
      assert.equal(made.statusCode, 400, `${ipv6}: ${made.body}`);
      assert.ok(
        made.json<ErrorBody>().error.issues?.some((i) => i.path === 'ipv6'),
        made.body,
      );
      const patched = await send('PATCH', '/api/v1/networks/default', { ipv6 });
      assert.equal(patched.statusCode, 400, `${ipv6}: ${patched.body}`);
    }
    const ct = await send('POST', '/api/v1/instances', {
      kind: 'ct',
      template: 'busybox',
      name: 'c6',
      ipv6: 'fe80::5/64',
    });
    assert.equal(ct.statusCode, 400, ct.body);
    assert.ok(
      ct.json<ErrorBody>().error.issues?.some((i) => i.path === 'ipv6'),
      ct.body,
    );
    assert.equal(t.agent.calls.length, calls);
  });

  test('a ULA or global gateway is taken, and null ends it', async () => {
    const made = await send('POST', '/api/v1/networks', {
      name: 'v6',
      ipv4: '10.6.0.1/24',
      ipv6: 'fd42:1:2::1/64',
    });
    assert.equal(made.statusCode, 201, made.body);
    assert.equal(made.json<Network>().ipv6, 'fd42:1:2::1/64');
    const global = await send('PATCH', '/api/v1/networks/v6', { ipv6: '2001:db8:5::1/120' });
    assert.equal(global.statusCode, 200, global.body);
    const none = await send('PATCH', '/api/v1/networks/v6', { ipv6: null });
    assert.equal(none.statusCode, 200, none.body);
    assert.equal(none.json<Network>().ipv6, null);
  });
});
