import { createWriteStream, type WriteStream } from 'node:fs';
import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { ShellClientMessage, ShellServerMessage } from '@berth/contracts';
import type { RelayTap } from '../consoles/relay.js';
import { castEventLine, castHeaderLine, type CastCode } from './asciicast.js';
import { lowSpace } from './space.js';

/** Where a recording is written, and how much free space it must leave there. */
export interface RecordingTarget {
  dir: string;
  reserveBytes: number;
}

/** One console's recording, fed by the relay while the console is open. */
export interface ConsoleRecorder {
  /** Frames of the relay; absent when the recorder does not need them (VNC frames). */
  readonly tap?: RelayTap;
  /** Starts writing into the recording's folder. */
  open(): Promise<void>;
  /** Stops for good; later input is dropped. The reason is told in the console's audit row. */
  stop(reason: string): void;
  /** The console closed: writes what is left; answers why it stopped early, if it did. */
  finish(): Promise<string | null>;
}

/** How much written between two looks at the free space. */
const CHECK_EVERY_BYTES = 1024 * 1024;
/** Lines waiting for the disk past this: the recording stops instead of growing the API's memory. */
const MAX_PENDING_BYTES = 16 * 1024 * 1024;

export const CAST_FILE = 'session.cast';

const parse = <T>(
  schema: { safeParse(v: unknown): { success: boolean; data?: T } },
  text: string,
) => {
  try {
    const r = schema.safeParse(JSON.parse(text));
    return r.success ? (r.data as T) : null;
  } catch {
    return null;
  }
};

/**
 * A shell or serial console as asciicast v2. Output and input are the relay's bytes (input
 * after the view-only filter: what reached the console); a shell's size comes from the
 * agent's "attached" message and the browser's resizes. The header waits for the first output
 * or input, so it carries the size the session really had.
 */
export class CastRecorder implements ConsoleRecorder, RelayTap {
  readonly tap: RelayTap = this;
  private readonly startedAt = Date.now();
  private out: WriteStream | null = null;
  private queued: string[] = [];
  private queuedBytes = 0;
  private size = { cols: 80, rows: 24 };
  private headed = false;
  private sinceCheck = 0;
  private stopped: string | null = null;
  private readonly text = { i: new StringDecoder('utf8'), o: new StringDecoder('utf8') };

  constructor(
    private readonly kind: 'shell' | 'serial',
    private readonly title: string,
    private readonly target: RecordingTarget,
  ) {}

  async open(): Promise<void> {
    const low = await lowSpace(this.target.dir, this.target.reserveBytes);
    if (low) return this.stop(low);
    if (this.stopped) return;
    const out = createWriteStream(path.join(this.target.dir, CAST_FILE), { flags: 'wx' });
    out.on('error', (err) => this.stop(`the recording could not be written: ${err.message}`));
    this.out = out;
    const lines = this.queued.splice(0);
    this.queuedBytes = 0;
    for (const line of lines) this.write(line);
  }

  fromClient(data: Buffer, isBinary: boolean): void {
    if (this.kind === 'shell' && !isBinary) {
      const m = parse<ShellClientMessage>(ShellClientMessage, data.toString());
      if (m?.type === 'resize') this.resize(m.cols, m.rows);
      return;
    }
    this.event('i', this.text.i.write(data));
  }

  fromAgent(data: Buffer, isBinary: boolean): void {
    if (this.kind === 'shell' && !isBinary) {
      const m = parse<ShellServerMessage>(ShellServerMessage, data.toString());
      if (m?.type === 'attached') this.resize(m.session.cols, m.session.rows);
      return;
    }
    this.event('o', this.text.o.write(data));
  }

  private resize(cols: number, rows: number): void {
    if (cols === this.size.cols && rows === this.size.rows) return;
    this.size = { cols, rows };
    if (this.headed) this.event('r', `${cols}x${rows}`);
  }

  private seconds(): number {
    return (Date.now() - this.startedAt) / 1000;
  }

  private event(code: CastCode, data: string): void {
    if (this.stopped || data === '') return;
    this.head();
    this.line(castEventLine(this.seconds(), code, data));
  }

  private head(): void {
    if (this.headed) return;
    this.headed = true;
    this.line(
      castHeaderLine({
        version: 2,
        width: this.size.cols,
        height: this.size.rows,
        timestamp: Math.floor(this.startedAt / 1000),
        title: this.title,
        env: { TERM: 'xterm-256color' },
      }),
    );
  }

  private line(text: string): void {
    if (!this.out) {
      this.queued.push(text);
      this.queuedBytes += text.length;
      if (this.queuedBytes > MAX_PENDING_BYTES)
        this.stop('the recording could not be opened in time');
      return;
    }
    this.write(text);
  }

  private write(text: string): void {
    const out = this.out;
    if (!out || this.stopped) return;
    out.write(text);
    if (out.writableLength > MAX_PENDING_BYTES) {
      this.stop('the disk could not keep up with the console');
      return;
    }
    this.sinceCheck += text.length;
    if (this.sinceCheck >= CHECK_EVERY_BYTES) {
      this.sinceCheck = 0;
      void lowSpace(this.target.dir, this.target.reserveBytes).then(
        (low) => low && this.stop(low),
        (err: Error) => this.stop(`the free space could not be read: ${err.message}`),
      );
    }
  }

  stop(reason: string): void {
    if (this.stopped) return;
    // Said in the file too, while there is still room for one short line.
    if (this.headed && this.out && !this.out.errored) {
      this.out.write(castEventLine(this.seconds(), 'm', `recording stopped: ${reason}`));
    }
    this.stopped = reason;
    this.queued = [];
    this.out?.end();
  }

  async finish(): Promise<string | null> {
    const out = this.out;
    // A console that showed nothing is still a valid, empty recording.
    if (!this.stopped) this.head();
    if (out && !out.closed) {
      await new Promise<void>((resolve) => {
        out.once('close', resolve);
        out.end();
      });
    }
    this.stopped ??= 'the console closed';
    return this.stopped === 'the console closed' ? null : this.stopped;
  }
}

export const FRAMES_DIR = 'frames';
export const FRAME_INDEX = 'frames.ndjson';

/**
 * A VM's screen as PNG frames taken every few seconds while its console is open (the agent's
 * screendump, as for thumbnails), with an index of when each was taken. An unchanged screen
 * adds no frame: the replay keeps showing the last one.
 */
export class FrameRecorder implements ConsoleRecorder {
  private readonly startedAt = Date.now();
  private timer: NodeJS.Timeout | null = null;
  private busy: Promise<void> | null = null;
  private last: Buffer | null = null;
  private n = 0;
  private stopped: string | null = null;
  private finished = false;

  constructor(
    private readonly capture: () => Promise<Buffer>,
    private readonly target: RecordingTarget,
    private readonly everyMs: number,
  ) {}

  async open(): Promise<void> {
    await mkdir(path.join(this.target.dir, FRAMES_DIR));
    if (this.stopped || this.finished) return;
    this.tick();
    this.timer = setInterval(() => this.tick(), this.everyMs);
    this.timer.unref();
  }

  private tick(): void {
    if (this.busy || this.stopped) return;
    this.busy = this.frame()
      .catch((err: Error) => this.stop(`the recording failed: ${err.message}`))
      .finally(() => {
        this.busy = null;
      });
  }

  private async frame(): Promise<void> {
    const low = await lowSpace(this.target.dir, this.target.reserveBytes);
    if (low) return this.stop(low);
    const t = (Date.now() - this.startedAt) / 1000;
    // A paused or stopping VM has no screen for a moment: that frame is skipped.
    const png = await this.capture().catch(() => null);
    if (!png || png.length === 0 || (this.last && png.equals(this.last)) || this.stopped) return;
    const n = this.n++;
    try {
      await writeFile(path.join(this.target.dir, FRAMES_DIR, `${n}.png`), png);
      // The index line last: a frame is replayed only once its file is whole.
      await appendFile(path.join(this.target.dir, FRAME_INDEX), `${JSON.stringify({ n, t })}\n`);
      this.last = png;
    } catch (err) {
      this.stop(`the recording could not be written: ${(err as Error).message}`);
    }
  }

  stop(reason: string): void {
    this.stopped ??= reason;
    if (this.timer) clearInterval(this.timer);
  }

  async finish(): Promise<string | null> {
    this.finished = true;
    if (this.timer) clearInterval(this.timer);
    await this.busy;
    return this.stopped;
  }
}
