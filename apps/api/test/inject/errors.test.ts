import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AppError, ErrorCode, type ErrorBody, type Instance } from '@berth/contracts';
import { buildTestApi, type TestApi } from './build-test-api.js';

describe("an agent's error codes become the API's statuses", () => {
  let t: TestApi;
  let ct: Instance;
  before(async () => {
    t = await buildTestApi();
    ct = t.agent.add({ kind: 'ct', ctid: 101 });
  });
  after(() => t.close());

  async function start() {
    const res = await t.inject({
      method: 'POST',
      url: `/api/v1/instances/${ct.id}/actions/start`,
      headers: await t.as('operator'),
    });
    return { status: res.statusCode, error: res.json<ErrorBody>().error };
  }

  const cases: Array<[string, AppError | Error, number, string]> = [
    ['not_found', new AppError(ErrorCode.notFound, 'gone'), 404, 'not_found'],
    ['wrong_state', new AppError(ErrorCode.wrongState, 'already running'), 409, 'wrong_state'],
    ['unreachable', new AppError(ErrorCode.agentUnreachable, 'down'), 502, 'agent_unreachable'],
    ['refused token', new AppError(ErrorCode.agentRefused, 'bad token'), 502, 'agent_refused'],
    ['an unknown code (host_error)', new AppError(ErrorCode.hostError, 'odd'), 500, 'host_error'],
    ['a plain exception', new Error('bug'), 500, 'internal_error'],
  ];
  for (const [what, err, status, code] of cases) {
    test(`${what} → ${status} ${code}`, async () => {
      t.agent.failNext('action', err);
      const res = await start();
      assert.equal(res.status, status, JSON.stringify(res.error));
      assert.equal(res.error.code, code);
      if (status < 500 || err instanceof AppError) assert.equal(res.error.message, err.message);
      else assert.doesNotMatch(res.error.message, /bug/, 'internals stay in the log');
    });
  }

  test('an instance no host knows is a 404, by UUID and by CT ID', async () => {
    const headers = await t.as('auditor');
    for (const id of ['22222222-2222-4222-8222-222222222222', '999']) {
      const res = await t.inject({ method: 'GET', url: `/api/v1/instances/${id}`, headers });
      assert.equal(res.statusCode, 404);
      assert.equal(res.json<ErrorBody>().error.code, 'not_found');
    }
  });

  test("a refused action is audited as a failure with the agent's words", async () => {
    t.agent.failNext('action', new AppError(ErrorCode.wrongState, 'it is running already'));
    await start();
    const res = await t.inject({
      method: 'GET',
      url: '/api/v1/audit',
      headers: await t.as('admin'),
    });
    const [last] = res.json<{
      items: Array<{ action: string; outcome: string; detail: unknown }>;
    }>().items;
    assert.equal(last?.action, 'instance.start');
    assert.equal(last?.outcome, 'failure');
    assert.deepEqual(last?.detail, { status: 409, error: 'it is running already' });
  });
});
