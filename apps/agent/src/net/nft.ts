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

/** One object of nft's JSON output: `{ table: {...} }`, `{ rule: {...} }`, `{ counter: {...} }`. */
export type NftObject = Record<string, unknown>;

/** Tables listed per nft process: the queue's other work waits for one such run at most. */
const TABLES_PER_LIST = 100;
const TABLE_NAME = /^[A-Za-z0-9_]+$/;

/**
 * Several tables of one family as nft's JSON objects, by table name; a table that is not there
 * is left out.
 *
 * Why not one `nft list ruleset` (or `list counters`, `list tables`): nft 1.0.6 fills its cache
 * table by table, each with a dump of every rule on the host, so a listing wider than one table
 * costs tables x rules: 20 s of a core with 500 instance tables. `list table <name>` dumps one
 * table's rules (~7 ms), and `nft -i` runs the lines it reads one by one, each with that narrow
 * cache, in one process: the same 500 tables in under 3 s. In runs of 100, so a create's table
 * waits for one run, not the whole read.
 */
export async function nftListTables(
  family: 'bridge' | 'inet' | 'ip' | 'ip6',
  names: readonly string[],
): Promise<Map<string, NftObject[]>> {
  const bad = names.find((n) => !TABLE_NAME.test(n));
  // A line of its own would be a command of its own.
  if (bad !== undefined) throw new Error(`not an nft table name: ${JSON.stringify(bad)}`);
  const found = new Map<string, NftObject[]>();
  for (let i = 0; i < names.length; i += TABLES_PER_LIST) {
    const input = names
      .slice(i, i + TABLES_PER_LIST)
      .map((n) => `list table ${family} ${n}\n`)
      .join('');
    // A table not there is an error on stderr and no line on stdout; the rest are listed.
    const { stdout } = await queue.command(() => exec('nft', ['-j', '-i'], { input }));
    for (const line of stdout.split('\n')) {
      if (!line.startsWith('{')) continue;
      const objects = (JSON.parse(line) as { nftables: NftObject[] }).nftables;
      const table = objects.find((o) => 'table' in o)?.table as { name?: string } | undefined;
      if (table?.name) found.set(table.name, objects);
    }
  }
  return found;
}

/**
 * Every table on the host, as family and name.
 *
 * Why `list sets` and not `list tables`: the latter fills nft 1.0.6's rule cache (8 s with 400
 * tables of ten rules, see nftListTables), while `list sets` reads tables and sets only, and
 * prints each table's header even when it holds no set: 0.2 s for the same 400. Nested lines are
 * indented, so a line that starts with `table ` is a table.
 */
export async function nftTableNames(): Promise<{ family: string; name: string }[]> {
  const { stdout } = await queue.command(() => exec('nft', ['list', 'sets']));
  return [...stdout.matchAll(/^table (\S+) (\S+) \{$/gm)].map(([, family, name]) => ({
    family: family!,
    name: name!,
  }));
}
