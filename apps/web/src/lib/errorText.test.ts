import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiError } from '../api/http';
import { TaskFailedError } from '../events/taskWatchers';
import { aTask } from '../events/testFixtures';
import { errorText, explainError } from './errorText';

const lxcStop =
  'lxc-stop exited 1: lxc-stop: 101: ../src/lxc/confile.c: parse_line: 3089 Unknown key';

test('a host tool that failed becomes what the host could not do, the tool output behind it', () => {
  const e = explainError(new ApiError(500, 'host_error', lxcStop));
  assert.equal(e.text, 'The host could not stop the container: lxc-stop failed (exit code 1).');
  assert.equal(e.detail, lxcStop);
  assert.doesNotMatch(e.text, /confile|host_error/);
  assert.equal(
    errorText(new ApiError(500, 'host_error', 'resize2fs timed out')),
    'The host could not grow the disk in time: resize2fs took too long.',
  );
  assert.equal(
    errorText(new ApiError(500, 'host_error', 'frobnicate exited 2: no')),
    'The host could not carry this out: frobnicate failed (exit code 2).',
  );
});

test('a malformed id in the address is a sentence about the link', () => {
  const raw = 'invalid params: id: Invalid string: must match pattern /^[0-9a-f-]{36}$|^\\d+$/';
  const e = explainError(
    new ApiError(400, 'validation_error', raw, [{ path: 'id', message: 'x' }]),
  );
  assert.match(e.text, /^This address does not name anything Berth knows/);
  assert.equal(e.detail, raw);
});

test("a refused body names the fields; the query string's refusal says to reload", () => {
  const body = explainError(
    new ApiError(400, 'validation_error', 'invalid body: name: too short', [
      { path: 'name', message: 'too short' },
    ]),
  );
  assert.equal(body.text, 'Some values were not accepted (name: too short).');
  assert.match(
    errorText(new ApiError(400, 'validation_error', 'invalid querystring: limit: too big')),
    /reload the page/,
  );
});

test('domain sentences pass through untouched, with no detail', () => {
  const e = explainError(
    new ApiError(
      409,
      'wrong_state',
      'the container is running; stop it first or delete with force',
    ),
  );
  assert.deepEqual(e, {
    text: 'the container is running; stop it first or delete with force',
    detail: null,
  });
});

test("a failed task's error and a task's {code, message} are explained the same way", () => {
  const task = aTask({ status: 'failed', error: { code: 'host_error', message: lxcStop } });
  assert.equal(
    errorText(new TaskFailedError(task)),
    'The host could not stop the container: lxc-stop failed (exit code 1).',
  );
  assert.equal(explainError(task.error).detail, lxcStop);
});

test('transport failures: agent down, internal error, non-JSON answer, no network', () => {
  assert.match(
    errorText(new ApiError(502, 'agent_unreachable', 'connect ECONNREFUSED')),
    /not answering/,
  );
  assert.match(errorText(new ApiError(500, 'internal_error', 'internal error')), /inside Berth/);
  assert.equal(
    errorText(new ApiError(502, 'http_error', '<html>Bad gateway</html>')),
    'The server answered with an error (HTTP 502).',
  );
  const net = explainError(new TypeError('Failed to fetch'));
  assert.match(net.text, /cannot be reached/);
  assert.equal(net.detail, 'Failed to fetch');
  assert.equal(errorText('plain words'), 'plain words');
});
