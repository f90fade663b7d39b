import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Operation } from '@berth/contracts';
import { withStateNow } from './replay.js';

const interrupted = (message: string): Operation => ({
  id: '00000000-0000-4000-8000-000000000000',
  kind: 'instance.stop',
  target: 'x',
  status: 'failed',
  progress: 0,
  message: null,
  error: { code: 'host_error', message },
  createdAt: new Date(0).toISOString(),
  finishedAt: new Date(0).toISOString(),
});

test('an interrupted action says the state it settled to', () => {
  const op = interrupted(
    'interrupted by an agent restart; the instance is left as the host has it now',
  );
  assert.equal(
    withStateNow(op, 'stopped').error?.message,
    'interrupted by an agent restart; the instance is stopped, as the host has it now',
  );
  assert.equal(withStateNow(op, null), op);
  const create = interrupted('interrupted by an agent restart; rolled back: …');
  assert.equal(withStateNow(create, 'running'), create);
});
