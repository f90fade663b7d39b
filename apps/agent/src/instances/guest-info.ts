/** What a guest says of itself through its agent. */
export interface GuestIdentity {
  ips: string[];
  hostname: string | null;
}

interface Known extends GuestIdentity {
  answered: boolean;
  at: number;
  pending: boolean;
}

/** How long an answer is fresh enough that listing does not ask the guest again. */
const FRESH_MS = 3000;

/**
 * What each VM's guest agent last said, refreshed in the background, so listing VMs
 * never waits on a guest (a guest without an agent would hold every list up).
 */
export class GuestInfo {
  private readonly known = new Map<string, Known>();

  /** Asks again unless an answer is fresh or a question is on its way. */
  refresh(vmId: string, ask: () => Promise<GuestIdentity>): void {
    const known = this.known.get(vmId);
    if (known && (known.pending || Date.now() - known.at < FRESH_MS)) return;
    const before = known ?? { ips: [], hostname: null, answered: false, at: 0, pending: false };
    const asking = { ...before, pending: true };
    this.known.set(vmId, asking);
    // An answer that lands after forget() (the VM stopped meanwhile) is dropped, not kept as
    // the stopped VM's addresses.
    const settle = (next: Known) => {
      if (this.known.get(vmId) === asking) this.known.set(vmId, next);
    };
    ask().then(
      (said) => settle({ ...said, answered: true, at: Date.now(), pending: false }),
      () => settle({ ...before, answered: false, at: Date.now(), pending: false }),
    );
  }

  ips(vmId: string): string[] {
    return this.known.get(vmId)?.ips ?? [];
  }

  hostname(vmId: string): string | null {
    return this.known.get(vmId)?.hostname ?? null;
  }

  answered(vmId: string): boolean {
    return this.known.get(vmId)?.answered ?? false;
  }

  forget(vmId: string): void {
    this.known.delete(vmId);
  }
}
