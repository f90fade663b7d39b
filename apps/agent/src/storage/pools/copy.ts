import { stat } from 'node:fs/promises';
import { run } from '../../run.js';

/**
 * A reflink copy: the new file shares every block with the old one until either is written,
 * so it takes an instant and next to no space. Fails (rather than copying) where the
 * filesystem cannot.
 */
export async function reflinkCopy(from: string, to: string): Promise<void> {
  await run('cp', ['--reflink=always', '--', from, to], { timeoutMs: 120_000 });
}

/**
 * An independent copy that keeps holes as holes; progress is the copy's allocated blocks
 * against the source's, polled while cp runs.
 */
export async function fullCopy(
  from: string,
  to: string,
  progress?: (fraction: number) => void,
): Promise<void> {
  const total = Math.max(1, (await stat(from)).blocks);
  const timer = progress
    ? setInterval(() => {
        stat(to)
          .then((s) => progress(Math.min(1, s.blocks / total)))
          .catch(() => undefined);
      }, 250)
    : undefined;
  try {
    await run('cp', ['--reflink=never', '--sparse=always', '--', from, to], {
      timeoutMs: 6 * 3600_000,
    });
  } finally {
    clearInterval(timer);
  }
}
