import { exec, run, type RunOptions, type RunResult } from '../run.js';

interface Waiting {
  script: string;
  done: (err?: Error) => void;
}

/**
 * nft work one call at a time, with the scripts that queue up together loaded as one
 * transaction.
 *
 * Why: nft reads the whole ruleset before it acts, and a commit by another nft during that read
 * makes it read again. With 500 instance tables on the host, bench/web's teardown had some fifty
 * `nft -f` running at once, each for over a minute, and deleting the 500 containers did not end
 * in 25 min. One at a time, each read happens once; loaded together, a burst (a bulk delete, an
 * agent start) costs one read instead of one each.
 *
 * A batch that fails is loaded again one script at a time (the failed transaction changed
 * nothing), so each caller gets its own answer and one bad script does not fail the others.
 * Another command (a listing, a lone delete) closes the batch being gathered: nothing queued
 * after it runs before it.
 */
export class NftQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private gathering: Waiting[] | null = null;

  constructor(private readonly load: (script: string) => Promise<void>) {}

  /** Loads a script (one transaction), after the nft work queued before it. */
  script(script: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const waiting = { script, done: (err?: Error) => (err ? reject(err) : resolve()) };
      if (this.gathering) {
        this.gathering.push(waiting);
        return;
      }
      const batch = [waiting];
      this.gathering = batch;
      void this.enqueue(() => {
        if (this.gathering === batch) this.gathering = null;
        return this.flush(batch);
      });
    });
  }

  /** Any other nft command, in its turn. */
  command<T>(fn: () => Promise<T>): Promise<T> {
    this.gathering = null;
    return this.enqueue(fn);
  }

  private enqueue<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(fn);
    this.tail = next.catch(() => undefined);
    return next;
  }

  private async flush(batch: readonly Waiting[]): Promise<void> {
    if (batch.length > 1) {
      try {
        await this.load(batch.map((w) => w.script).join('\n'));
        for (const w of batch) w.done();
        return;
      } catch {
        // One of them is at fault: each alone below says which.
      }
    }
    for (const w of batch) {
      try {
        await this.load(w.script);
        w.done();
      } catch (err) {
        w.done(err as Error);
      }
    }
  }
}

const queue = new NftQueue(async (script) => {
  await run('nft', ['-f', '-'], { input: script });
});

/** Loads an nft script as one transaction; throws RunError with nft's words when it fails. */
export function nftLoad(script: string): Promise<void> {
  return queue.script(script);
}

/** An nft command whose exit code is the caller's to read (a listing, a delete of what may be gone). */
export function nft(args: readonly string[], opts?: RunOptions): Promise<RunResult> {
  return queue.command(() => exec('nft', args, opts));
}
