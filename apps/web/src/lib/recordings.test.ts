import assert from 'node:assert/strict';
import { test } from 'node:test';
import { recordingLinkOf, recordingSeconds } from './recordings';

test('an audit row of a recorded console session links to its recording', () => {
  assert.equal(
    recordingLinkOf({
      id: 'a1',
      action: 'console.open',
      detail: { kind: 'shell', recorded: true },
    }),
    '/recordings/view/?auditId=a1',
  );
  assert.equal(
    recordingLinkOf({ id: 'a2', action: 'console.close', detail: { recording: { id: 'r1' } } }),
    '/recordings/view/?id=r1',
  );
  assert.equal(
    recordingLinkOf({ id: 'a3', action: 'console.open', detail: { recorded: false } }),
    null,
  );
  assert.equal(recordingLinkOf({ id: 'a4', action: 'instance.start', detail: null }), null);
});

test('recordingSeconds is null while the console is open', () => {
  assert.equal(recordingSeconds({ startedAt: '2026-01-01T00:00:00Z', endedAt: null }), null);
  assert.equal(
    recordingSeconds({ startedAt: '2026-01-01T00:00:00Z', endedAt: '2026-01-01T00:01:05Z' }),
    65,
  );
});
