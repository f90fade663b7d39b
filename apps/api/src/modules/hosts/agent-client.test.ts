import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { AppError, ErrorCode } from '@berth/contracts';
import { AgentClient } from './agent-client.js';

/** An agent that answers each path with a fixed status and body. */
const answers: Record<string, [number, string]> = {
  '/v1/facts': [200, JSON.stringify({ hostname: 'h' })],
  '/v1/instances': [200, 'not json'],
  '/v1/isos': [200, JSON.stringify({ items: [] })],
  '/v1/templates': [418, JSON.stringify({ error: { code: 'teapot', message: 'short and stout' } })],
  '/v1/operations/x': [404, JSON.stringify({ error: { code: 'not_found', message: 'no op x' } })],
  '/v1/instances/1': [
    409,
    JSON.stringify({
      error: { code: 'wrong_state', message: 'stopped', issues: [{ path: 'id', message: 'm' }] },
    }),
  ],
  '/v1/shells/end': [401, JSON.stringify({ error: { code: 'unauthorized', message: 'token' } })],
};

let server: Server;
let client: AgentClient;
before(async () => {
  server = createServer((req, res) => {
    const [status, body] = answers[req.url ?? ''] ?? [500, ''];
    res.writeHead(status, { 'content-type': 'application/json' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  client = new AgentClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, 't');
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

const fails = (code: string, message?: RegExp) => (err: unknown) => {
  assert.ok(err instanceof AppError, String(err));
  assert.equal(err.code, code);
  if (message) assert.match(err.message, message);
  return true;
};

test('a well-formed answer is returned parsed', async () => {
  assert.deepEqual(await client.isos(), { items: [] });
});

test('an answer of the wrong shape is a host_error naming the call and the fields', async () => {
  await assert.rejects(client.facts(), fails(ErrorCode.hostError, /GET \/v1\/facts.*kernel/));
  await assert.rejects(client.listInstances(), fails(ErrorCode.hostError, /not JSON/));
});

test("the agent's code, words and issues are kept; an unknown code is a host_error", async () => {
  await assert.rejects(client.operation('x'), fails(ErrorCode.notFound, /no op x/));
  await assert.rejects(client.getInstance('1'), (err: AppError) => {
    assert.equal(err.code, ErrorCode.wrongState);
    assert.deepEqual(err.issues, [{ path: 'id', message: 'm' }]);
    return true;
  });
  await assert.rejects(client.templates(), fails(ErrorCode.hostError, /short and stout/));
});

test("the agent refusing the API's token is agent_refused, not the caller's 401", async () => {
  await assert.rejects(client.endShellsOf('session:1'), fails(ErrorCode.agentRefused));
});

test('an agent that does not answer is agent_unreachable', async () => {
  const nowhere = new AgentClient('http://127.0.0.1:1', 't');
  await assert.rejects(nowhere.isos(), fails(ErrorCode.agentUnreachable, /127\.0\.0\.1:1/));
});
