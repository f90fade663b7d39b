import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Operation } from '@berth/contracts';
import { explainNoSpace } from '../storage/free-space.js';
import { writeFileAtomic } from './atomic-file.js';
import type { Intent, JournalEntry } from './intent.js';

/** How long an interrupted operation stays answerable after the restart that found it. */
const KEEP_INTERRUPTED_MS = 60 * 60 * 1000;

/** Records a step of a running operation; may be called with changes to its intent. */
export type Step = (name: string, changes?: Record<string, unknown>) => Promise<void>;

/**
 * One JSON file per running operation in the agent's data dir, written before the operation
 * touches the host and removed when it ends. Whatever is left at start was interrupted.
 */
export class Journal {
  private readonly entries = new Map<string, JournalEntry>();

  /**
   * @param failpoint a step name at which the agent kills itself (SIGKILL) right after the
   *   journal records it: a test-only knob for fault drills, set by BERTH_AGENT_FAILPOINT.
   */
  constructor(
    readonly dir: string,
    private readonly failpoint: string | null = null,
  ) {}

  private file(id: string): string {
    return path.join(this.dir, `${id}.json`);
  }

  private get interruptedDir(): string {
    return path.join(this.dir, 'interrupted');
  }

  async begin(op: Pick<Operation, 'id' | 'kind' | 'target' | 'createdAt'>, intent: Intent) {
    const entry: JournalEntry = { ...op, intent, steps: [] };
    this.entries.set(op.id, entry);
    try {
      await this.write(entry);
    } catch (err) {
      this.entries.delete(op.id);
      throw await explainNoSpace(err, this.file(op.id));
    }
  }

  async step(id: string, name: string, changes: Record<string, unknown> = {}): Promise<void> {
    const entry = this.entries.get(id);
    if (!entry) return;
    entry.intent = { ...entry.intent, ...changes } as Intent;
    entry.steps.push(name);
    await this.write(entry);
    if (name === this.failpoint) process.kill(process.pid, 'SIGKILL');
  }

  async end(id: string): Promise<void> {
    if (!this.entries.delete(id)) return;
    await rm(this.file(id), { force: true });
  }

  /** Entries left by an agent that did not see its operations end. */
  async leftBehind(): Promise<JournalEntry[]> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const found: JournalEntry[] = [];
    for (const name of await readdir(this.dir)) {
      if (!name.endsWith('.json') || name.startsWith('.')) continue;
      try {
        found.push(JSON.parse(await readFile(path.join(this.dir, name), 'utf8')) as JournalEntry);
      } catch {
        // A torn temporary write never gets the final name; anything else unreadable is dropped.
        await rm(path.join(this.dir, name), { force: true });
      }
    }
    return found;
  }

  /** Keeps the failed answer of an interrupted operation, then forgets its journal entry. */
  async settle(entry: JournalEntry, answer: Operation): Promise<void> {
    await mkdir(this.interruptedDir, { recursive: true });
    await writeFileAtomic(
      path.join(this.interruptedDir, `${entry.id}.json`),
      JSON.stringify(answer),
    );
    await rm(this.file(entry.id), { force: true });
  }

  /** Answers for operations interrupted by recent restarts; older ones are dropped. */
  async interrupted(now = Date.now()): Promise<Operation[]> {
    await mkdir(this.interruptedDir, { recursive: true });
    const answers: Operation[] = [];
    for (const name of await readdir(this.interruptedDir)) {
      const file = path.join(this.interruptedDir, name);
      const op = await readFile(file, 'utf8')
        .then((t) => JSON.parse(t) as Operation)
        .catch(() => null);
      if (op?.finishedAt && now - Date.parse(op.finishedAt) < KEEP_INTERRUPTED_MS) answers.push(op);
      else await rm(file, { force: true });
    }
    return answers;
  }

  private write(entry: JournalEntry): Promise<void> {
    return writeFileAtomic(this.file(entry.id), JSON.stringify(entry));
  }
}
