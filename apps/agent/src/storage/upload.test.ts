import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, test } from 'node:test';
import { AppError, ErrorCode } from '@berth/contracts';
import { receiveUpload } from './upload.js';

const dir = mkdtempSync(path.join(tmpdir(), 'berth-upload-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const body = (...chunks: string[]) => Readable.from(chunks.map((c) => Buffer.from(c)));
const refuse = () => new AppError(ErrorCode.tooLarge, 'too big');

test('an accepted upload lands whole and its size is given', async () => {
  const file = path.join(dir, 'ok');
  const sizes: number[] = [];
  const size = await receiveUpload(body('abc', 'de'), file, 0o600, {
    chunk: (_c, total) => (sizes.push(total), null),
  });
  assert.equal(size, 5);
  assert.deepEqual(sizes, [3, 5]);
  assert.equal(readFileSync(file, 'utf8'), 'abcde');
});

test('a refusal mid-way reads the body to its end, writes no more, and leaves no file', async () => {
  const file = path.join(dir, 'big');
  let seen = 0;
  const src = body('aa', 'bb', 'cc');
  await assert.rejects(
    receiveUpload(src, file, 0o600, {
      chunk: (_c, total) => ((seen += 1), total > 3 ? refuse() : null),
    }),
    /too big/,
  );
  assert.equal(seen, 2, 'chunks after the refusal are not judged');
  assert.ok(src.readableEnded, 'the body was read to its end');
  assert.equal(existsSync(file), false);
});

test('a refusal before the first byte drains the body; an empty one and the end judge refuse', async () => {
  const src = body('x'.repeat(100));
  await assert.rejects(
    receiveUpload(src, path.join(dir, 'pre'), 0o600, {
      before: async () => {
        throw refuse();
      },
      chunk: () => null,
    }),
    /too big/,
  );
  assert.ok(src.readableEnded);
  await assert.rejects(
    receiveUpload(body(), path.join(dir, 'empty'), 0o600, { chunk: () => null }),
    /empty/,
  );
  await assert.rejects(
    receiveUpload(body('short'), path.join(dir, 'end'), 0o600, {
      chunk: () => null,
      end: (size) => new AppError(ErrorCode.validation, `only ${size} bytes`),
    }),
    /only 5 bytes/,
  );
  assert.equal(existsSync(path.join(dir, 'end')), false);
});
