import { rateLimited } from '@berth/contracts';

export interface RefusalLimits {
  /** Refused console attempts one address may make per window, each audited on its own. */
  perWindow: number;
  windowSeconds: number;
}

export const DEFAULT_REFUSAL_LIMITS: RefusalLimits = { perWindow: 10, windowSeconds: 60 };

interface Window {
  endsAt: number;
  refused: number;
  /** Attempts turned away unread once the address was over its limit. */
  limited: number;
  timer: NodeJS.Timeout;
}

/** One audit row standing for many attempts turned away from one address. */
export interface RefusalSummary {
  address: string;
  count: number;
  windowSeconds: number;
}

/**
 * Refused console attempts per client address. Nobody needs to log in to knock on the console
 * socket, so each refusal writing its own audit row would let anyone fill the log: past
 * `perWindow` refusals an address is answered 429 without its ticket being read, and those
 * attempts become one audit row with their count when the window ends. In memory, like the
 * login throttle: a restart forgets the windows.
 */
export class ConsoleRefusals {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly summarize: (summary: RefusalSummary) => void,
    private readonly limits: RefusalLimits = DEFAULT_REFUSAL_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Throws a 429 for an address over its limit, counting the attempt for the summary row. */
  check(address: string): void {
    const w = this.windows.get(address);
    if (!w || w.refused < this.limits.perWindow) return;
    w.limited += 1;
    throw rateLimited(
      'too many refused console attempts from this address; try again later',
      (w.endsAt - this.now()) / 1000,
    );
  }

  /** Counts a refusal that was audited on its own. */
  refused(address: string): void {
    let w = this.windows.get(address);
    if (!w) {
      const seconds = this.limits.windowSeconds;
      const timer = setTimeout(() => this.close(address), seconds * 1000);
      // A window must not keep a stopping API alive; `flush` writes what it holds.
      timer.unref();
      w = { endsAt: this.now() + seconds * 1000, refused: 0, limited: 0, timer };
      this.windows.set(address, w);
    }
    w.refused += 1;
  }

  /** Ends every window now, writing its summary: for shutdown. */
  flush(): void {
    for (const address of [...this.windows.keys()]) this.close(address);
  }

  private close(address: string): void {
    const w = this.windows.get(address);
    if (!w) return;
    clearTimeout(w.timer);
    this.windows.delete(address);
    if (w.limited > 0)
      this.summarize({ address, count: w.limited, windowSeconds: this.limits.windowSeconds });
  }
}
