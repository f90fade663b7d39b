import assert from 'node:assert/strict';
import { test } from 'node:test';
import Fastify from 'fastify';
import { z } from 'zod';
import { AppError, ErrorCode, conflict, notFound, rateLimited, wrongState } from '@berth/contracts';
import { installErrorHandler } from './errors.js';
import { closeCodeOf } from './ws-close.js';
import { useZod } from './zod.js';

async function appThrowing(err: unknown) {
  const app = Fastify();
  useZod(app);
  installErrorHandler(app);
  app.post(
    '/things',
    { schema: { body: z.object({ name: z.string(), size: z.number().int() }).strict() } },
    async () => ({ ok: true }),
  );
  app.get('/fail', async () => {
    throw err;
  });
  await app.ready();
  return app;
}

test('an unknown field is a 400 whose issue names it; a wrong type names its field', async () => {
  const app = await appThrowing(null);
  const res = await app.inject({
    method: 'POST',
    url: '/things',
    payload: { name: 'a', size: 1, memoryMiB: 64 },
  });
  assert.equal(res.statusCode, 400);
  const body = res.json();
  assert.equal(body.error.code, ErrorCode.validation);
  assert.deepEqual(body.error.issues, [
    { path: 'memoryMiB', message: 'unknown field "memoryMiB"' },
  ]);
  const wrong = await app.inject({
    method: 'POST',
    url: '/things',
    payload: { name: 'a', size: 'x' },
  });
  assert.equal(wrong.json().error.issues[0].path, 'size');
  await app.close();
});

test('domain errors get their status from their code alone', async () => {
  const cases: Array<[unknown, number, string]> = [
    [notFound('instance 101'), 404, ErrorCode.notFound],
    [conflict('CT ID 101 is in use', 'ctid'), 409, ErrorCode.conflict],
    [wrongState('the VM is running'), 409, ErrorCode.wrongState],
    [new AppError(ErrorCode.agentUnreachable, 'down'), 502, ErrorCode.agentUnreachable],
    [new AppError(ErrorCode.tooLarge, 'big'), 413, ErrorCode.tooLarge],
    [new AppError(ErrorCode.insufficientSpace, 'needs 220 MB'), 507, ErrorCode.insufficientSpace],
    [new AppError(ErrorCode.unavailable, 'database'), 503, ErrorCode.unavailable],
    [new Error('boom'), 500, ErrorCode.internal],
  ];
  for (const [err, status, code] of cases) {
    const app = await appThrowing(err);
    const res = await app.inject({ method: 'GET', url: '/fail' });
    assert.equal(res.statusCode, status, code);
    assert.equal(res.json().error.code, code);
    await app.close();
  }
  const res = await (await appThrowing(conflict('taken', 'ctid'))).inject({ url: '/fail' });
  assert.deepEqual(res.json().error.issues, [{ path: 'ctid', message: 'taken' }]);
  // Internals never leak: the 500 body says where to look instead of what broke.
  const internal = await (await appThrowing(new Error('secret path /x'))).inject({ url: '/fail' });
  assert.doesNotMatch(internal.body, /secret/);
});

test('a refused WebSocket closes with 4000 + the status its error would get', () => {
  assert.equal(closeCodeOf(notFound('x')), 4404);
  assert.equal(closeCodeOf(new AppError(ErrorCode.unauthorized, 'no')), 4401);
  assert.equal(closeCodeOf(new Error('x')), 4500);
});

test('a rate-limited refusal is a 429 that says when to come back', async () => {
  const app = await appThrowing(rateLimited('too many failed logins; try again in 8 s', 7.2));
  const res = await app.inject({ method: 'GET', url: '/fail' });
  assert.equal(res.statusCode, 429);
  assert.equal(res.headers['retry-after'], '8');
  assert.equal(res.json().error.code, ErrorCode.rateLimited);
  assert.equal(res.json().error.message, 'too many failed logins; try again in 8 s');
  assert.equal(closeCodeOf(rateLimited('x', 1)), 4429);
  await app.close();
});
