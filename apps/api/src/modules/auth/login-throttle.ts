import { rateLimited } from '@berth/contracts';

export interface LoginLimits {
  /** Wrong passwords one username may take before each further one locks it for a while. */
  accountFailures: number;
  /** The same for one client address across usernames: higher, as people share addresses (NAT). */
  addressFailures: number;
  /** The first lock's length; each further failure doubles it. */
  firstDelaySeconds: number;
  maxDelaySeconds: number;
  /** Failures are forgotten after this long without a new one. */
  forgetMinutes: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  accountFailures: 5,
  addressFailures: 20,
  firstDelaySeconds: 5,
  maxDelaySeconds: 15 * 60,
  forgetMinutes: 60,
};

/** A lock a failure started, for the audit log. */
export interface Lockout {
  scope: 'account' | 'address';
  key: string;
  failures: number;
  seconds: number;
}

interface Entry {
  failures: number;
  /** Attempts whose password is being checked now: they count against what is left. */
  inFlight: number;
  lastFailure: number;
  lockedUntil: number;
}

// Random usernames from many addresses must not grow the table without bound; past this size
// the oldest entries go first (a Map iterates in insertion order).
const MAX_ENTRIES = 50_000;

/** One login attempt let through; exactly one of its methods is called when the check ends. */
export interface LoginAttempt {
  /** A wrong password (or unknown user): answers the locks it started, for the audit log. */
  failed(): Lockout[];
  succeeded(): void;
  /** Ended without a verdict (the database failed): counts neither way. */
  abandoned(): void;
}

/**
 * Growing delays between failed logins, per username and per client address. In memory: a
 * restart forgets them, which is acceptable for one API process (a restart is itself slow and
 * audited), and it keeps a full or locked database from locking everyone out.
 *
 * Unknown usernames are counted like real ones, so a lock tells nothing about which exist.
 * Attempts in flight count too: fifty guesses sent at once are not fifty checked passwords.
 */
export class LoginThrottle {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly limits: LoginLimits = DEFAULT_LOGIN_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Lets an attempt through, or refuses with a 429 before any password is checked. */
  begin(username: string, address: string): LoginAttempt {
    const t = this.now();
    const keys = [
      { scope: 'account' as const, key: username, free: this.limits.accountFailures },
      { scope: 'address' as const, key: address, free: this.limits.addressFailures },
    ];
    const entries = keys.map((k) => this.entry(k.scope, k.key, t));
    let wait = 0;
    entries.forEach((e, i) => {
      // Past the free failures, one attempt at a time: each failure relocks before the next.
      const busy = e.inFlight > 0 && e.failures + e.inFlight >= keys[i]!.free;
      wait = Math.max(wait, e.lockedUntil - t, busy ? 1000 : 0);
    });
    if (wait > 0) {
      const seconds = Math.ceil(wait / 1000);
      throw rateLimited(
        `too many failed logins for this user or from this address; try again in ${seconds} s`,
        seconds,
      );
    }
    for (const e of entries) e.inFlight += 1;
    let done = false;
    const end = () => {
      if (done) return false;
      done = true;
      for (const e of entries) e.inFlight -= 1;
      return true;
    };
    return {
      failed: () => {
        if (!end()) return [];
        const at = this.now();
        const lockouts: Lockout[] = [];
        entries.forEach((e, i) => {
          const { scope, key, free } = keys[i]!;
          e.failures += 1;
          e.lastFailure = at;
          if (e.failures >= free) {
            const seconds = Math.min(
              this.limits.firstDelaySeconds * 2 ** (e.failures - free),
              this.limits.maxDelaySeconds,
            );
            e.lockedUntil = at + seconds * 1000;
            lockouts.push({ scope, key, failures: e.failures, seconds });
          }
        });
        return lockouts;
      },
      // A right password clears its username's count; the address's stays, so one good
      // account cannot be used to reset the count of guesses at others.
      succeeded: () => {
        if (end()) entries[0]!.failures = 0;
      },
      abandoned: () => void end(),
    };
  }

  private entry(scope: Lockout['scope'], key: string, t: number): Entry {
    const id = `${scope}:${key}`;
    let entry = this.entries.get(id);
    const forgotten =
      entry &&
      entry.inFlight === 0 &&
      entry.lockedUntil <= t &&
      t - entry.lastFailure > this.limits.forgetMinutes * 60_000;
    if (!entry || forgotten) entry = { failures: 0, inFlight: 0, lastFailure: t, lockedUntil: 0 };
    // Re-inserted so the Map's order is least recently used first, for the size cap below.
    this.entries.delete(id);
    this.entries.set(id, entry);
    for (const [old, e] of this.entries) {
      if (this.entries.size <= MAX_ENTRIES) break;
      if (e.inFlight === 0) this.entries.delete(old);
    }
    return entry;
  }
}
