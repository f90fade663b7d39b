import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { AppError, ErrorCode } from '@berth/contracts';
import { RunError } from '../run.js';
import { assertFreeSpace, explainNoSpace } from './free-space.js';

test('work that does not fit is refused with the numbers and the place', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'berth-space-'));
  try {
    await assertFreeSpace(dir, 1024, 'a small thing');
    await assert.rejects(
      assertFreeSpace(path.join(dir, 'not', 'yet'), Number.MAX_SAFE_INTEGER, 'template x'),
      (err: AppError) =>
        err.code === ErrorCode.insufficientSpace &&
        /^template x needs ~\d+ MB on .*not\/yet, \d+ MB free$/.test(err.message),
    );
  } finally {
    await rm(dir, { recursive: true });
  }
});

test('a disk that filled mid-way is named as ENOSPC with the path', async () => {
  const fromNode = Object.assign(new Error("ENOENT: mkdir '/x'"), { code: 'ENOSPC' });
  const explained = (await explainNoSpace(fromNode, '/data/lxc/102')) as AppError;
  assert.equal(explained.code, ErrorCode.insufficientSpace);
  assert.match(explained.message, /ENOSPC.*\/data\/lxc\/102/);

  const fromTar = new RunError('tar', [], {
    stdout: '',
    stderr: 'tar: ./bin: Cannot write: No space left on device',
    code: 2,
    timedOut: false,
  });
  assert.equal(
    ((await explainNoSpace(fromTar, '/img')) as AppError).code,
    ErrorCode.insufficientSpace,
  );

  const other = new Error('something else');
  assert.equal(await explainNoSpace(other, '/img'), other);
});
