interface Known {
  ips: string[];
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
  refresh(vmId: string, ask: () => Promise<string[]>): void {
    const known = this.known.get(vmId);
    if (known && (known.pending || Date.now() - known.at < FRESH_MS)) return;
    const before = known ?? { ips: [], answered: false, at: 0, pending: false };
    this.known.set(vmId, { ...before, pending: true });
    ask().then(
      (ips) => this.known.set(vmId, { ips, answered: true, at: Date.now(), pending: false }),
      () => this.known.set(vmId, { ...before, answered: false, at: Date.now(), pending: false }),
    );
  }

  ips(vmId: string): string[] {
    return this.known.get(vmId)?.ips ?? [];
  }

  answered(vmId: string): boolean {
    return this.known.get(vmId)?.answered ?? false;
  }

  forget(vmId: string): void {
    this.known.delete(vmId);
  }
}
