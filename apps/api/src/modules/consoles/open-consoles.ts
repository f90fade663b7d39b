import type { ConsoleGrant } from './tickets.js';

interface OpenConsole {
  grant: ConsoleGrant;
  /** Closes it, telling the browser why ("your session ended" unless said otherwise). */
  end: (reason?: string) => void;
}

/** How often open consoles check that the login, token or share link behind them still holds. */
const SWEEP_MS = 15_000;

/**
 * Every console relayed right now, by what it was opened with, so that logging out, an expired
 * session, a deleted token or a revoked share link ends exactly the consoles that depended on it.
 */
export class OpenConsoles {
  private readonly open = new Set<OpenConsole>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    stillValid: (grant: ConsoleGrant) => Promise<boolean>,
    onInvalid: (grant: ConsoleGrant) => void,
  ) {
    this.timer = setInterval(() => {
      for (const c of this.open) {
        void stillValid(c.grant).then(
          (ok) => ok || onInvalid(c.grant),
          () => undefined,
        );
      }
    }, SWEEP_MS);
    this.timer.unref();
  }

  add(grant: ConsoleGrant, end: (reason?: string) => void): () => void {
    const entry = { grant, end };
    this.open.add(entry);
    return () => {
      this.open.delete(entry);
    };
  }

  endWhere(match: (grant: ConsoleGrant) => boolean, reason?: string): number {
    let n = 0;
    for (const c of this.open) {
      if (match(c.grant)) {
        c.end(reason);
        n++;
      }
    }
    return n;
  }

  count(): number {
    return this.open.size;
  }

  /** The grants of every console open now. */
  *grants(): Iterable<ConsoleGrant> {
    for (const c of this.open) yield c.grant;
  }

  close(): void {
    clearInterval(this.timer);
    this.endWhere(() => true);
  }
}
