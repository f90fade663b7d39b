import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ErrorBody } from '@berth/contracts';
import { buildTestApi, type TestApi } from './build-test-api.js';

const UUID = '11111111-1111-4111-8111-111111111111';

describe('strict bodies and bad ids are 400s that name the field, before any agent is asked', () => {
  let t: TestApi;
  let ct: string;
  before(async () => {
    t = await buildTestApi();
    ct = t.agent.add({ kind: 'ct' }).id;
  });
  after(() => t.close());

  async function expect400(
    method: 'POST' | 'PATCH' | 'GET' | 'DELETE',
    url: string,
    payload: unknown,
    field: string,
    message?: string,
  ) {
    const before = t.agent.calls.length;
    const res = await t.inject({
      method,
      url,
      payload: payload as object,
      headers: await t.as('admin'),
    });
    assert.equal(res.statusCode, 400, `${method} ${url}: ${res.body}`);
    const { error } = res.json<ErrorBody>();
    assert.equal(error.code, 'validation_error');
    const issue = error.issues?.find((i) => i.path === field);
    assert.ok(issue, `an issue for ${field} in ${JSON.stringify(error.issues)}`);
    if (message) assert.equal(issue.message, message);
    assert.deepEqual(t.agent.calls.slice(before), [], 'the agent was not asked');
  }
  const unknownField = (name: string) => `unknown field "${name}"`;

  test('a container create with memoryMiB is refused, naming memoryMiB', () =>
    expect400(
      'POST',
      '/api/v1/instances',
      { template: 'busybox', name: 'web', memoryMiB: 64 },
      'memoryMiB',
      unknownField('memoryMiB'),
    ));

  test('login, token, update, action, shell, ticket, share-link, redeem and build bodies are strict', async () => {
    const res = await t.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'admin', password: 'x', remember: true },
    });
    assert.equal(res.statusCode, 400);
    assert.deepEqual(res.json<ErrorBody>().error.issues, [
      { path: 'remember', message: unknownField('remember') },
    ]);
    const cases: Array<[url: string, body: object, field: string, method?: 'PATCH']> = [
      ['/api/v1/auth/tokens', { name: 'ci', scope: 'all' }, 'scope'],
      [`/api/v1/instances/${ct}`, { description: 'x', colour: 'red' }, 'colour', 'PATCH'],
      [`/api/v1/instances/${ct}/actions/start`, { wait: true }, 'wait'],
      [`/api/v1/instances/${ct}/shells`, { cols: 80, shell: '/bin/sh' }, 'shell'],
      [`/api/v1/instances/${ct}/console-tickets`, { kind: 'vnc', user: 'root' }, 'user'],
      [
        `/api/v1/instances/${ct}/share-links`,
        { kind: 'vnc', mode: 'view', expiresInMinutes: 10, password: 'x' },
        'password',
      ],
      ['/api/v1/share/redeem', { token: 'abc', who: 'me' }, 'who'],
      [`/api/v1/instances/${ct}/exec`, { command: ['true'], shell: true }, 'shell'],
      ['/api/v1/instances', { kind: 'vm', name: 'vm1', template: 'tiny-linux', cpus: 2 }, 'cpus'],
      ['/api/v1/templates/busybox/build', { rebuild: true, force: true }, 'force'],
    ];
    for (const [url, body, field, method] of cases) {
      await expect400(method ?? 'POST', url, body, field, unknownField(field));
    }
  });

  test('ids that cannot be an instance, shell, share link or template are refused', async () => {
    await expect400('GET', '/api/v1/instances/not-an-id', undefined, 'id');
    await expect400('DELETE', `/api/v1/instances/${ct}/shells/12`, undefined, 'shellId');
    await expect400('DELETE', '/api/v1/share-links/abc', undefined, 'linkId');
    await expect400('POST', '/api/v1/templates/windows/build', {}, 'name');
    await expect400('POST', `/api/v1/instances/${UUID}/actions/explode`, {}, 'action');
  });
});
