import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diff } from './diff.js';

test('only changed fields are kept, on both sides', () => {
  assert.deepEqual(
    diff(
      { memoryMiB: 256, name: 'web1', tags: ['a'] },
      { memoryMiB: 512, name: 'web1', tags: ['a'] },
    ),
    { before: { memoryMiB: 256 }, after: { memoryMiB: 512 } },
  );
});

test('nested values compare by content; added and removed fields show on one side', () => {
  assert.deepEqual(diff({ shell: { user: 'root' } }, { shell: { user: 'root' } }), {
    before: null,
    after: null,
  });
  assert.deepEqual(diff({ cdrom: 'a.iso' }, { cdrom: null, boot: ['disk'] }), {
    before: { cdrom: 'a.iso' },
    after: { cdrom: null, boot: ['disk'] },
  });
  assert.deepEqual(diff(null, { name: 'x' }), { before: {}, after: { name: 'x' } });
});

test('secrets say that they changed, never their values', () => {
  assert.deepEqual(
    diff({ passwordHash: 'old', rootPassword: 'a' }, { passwordHash: 'new', rootPassword: 'a' }),
    {
      before: { passwordHash: '(secret)' },
      after: { passwordHash: '(secret)' },
    },
  );
  assert.deepEqual(diff({}, { tokenHash: 'h', totpSecret: 's' }), {
    before: {},
    after: { tokenHash: '(secret)', totpSecret: '(secret)' },
  });
});

test('only the fields asked about are compared', () => {
  assert.deepEqual(diff({ a: 1, b: 1, c: 1 }, { a: 2, b: 2, c: 1 }, ['a', 'c']), {
    before: { a: 1 },
    after: { a: 2 },
  });
});
