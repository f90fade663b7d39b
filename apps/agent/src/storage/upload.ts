import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Transform, type Readable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { AppError, ErrorCode } from '@berth/contracts';
import { explainNoSpace } from './free-space.js';

export type UploadJudge = {
  /** Runs before the first byte: a declared size over a limit, no room. */
  before?: () => Promise<void>;
  /** Sees each chunk with the size so far; a refusal stops the writing. */
  chunk: (chunk: Buffer, size: number) => AppError | null;
  /** Judges what arrived once the body ended (a head shorter than the check needs). */
  end?: (size: number) => AppError | null;
};

/**
 * Streams an upload body to `file`, judged as it comes, and gives its size. A refused upload is
 * read to its end but not written: an answer sent while the client still sends reaches it (and
 * the API relaying it) as a reset instead of the reason. The file goes on any failure; a full
 * disk is explained as one.
 */
export async function receiveUpload(
  body: Readable,
  file: string,
  mode: number,
  judge: UploadJudge,
): Promise<number> {
  try {
    await judge.before?.();
  } catch (err) {
    await finished(body.resume()).catch(() => undefined);
    throw err;
  }
  let size = 0;
  let refusal: AppError | null = null;
  const meter = new Transform({
    transform: (chunk: Buffer, _enc, done) => {
      if (refusal) return done();
      size += chunk.length;
      refusal = judge.chunk(chunk, size);
      done(null, refusal ? undefined : chunk);
    },
  });
  try {
    await pipeline(body, meter, createWriteStream(file, { mode }));
    refusal ??= size === 0 ? null : (judge.end?.(size) ?? null);
    if (refusal) throw refusal;
    if (size === 0) {
      throw new AppError(
        ErrorCode.validation,
        'the upload was empty: send the file as the raw body',
      );
    }
    return size;
  } catch (err) {
    await rm(file, { force: true });
    throw await explainNoSpace(err, file);
  }
}
