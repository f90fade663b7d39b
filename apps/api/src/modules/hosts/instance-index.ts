/**
 * Which host holds each instance, by UUID and by CT ID, so acting on one instance asks one
 * agent. Fed by list answers and the agents' events; a miss or a stale entry only costs
 * asking every agent once.
 */
export class InstanceIndex {
  private readonly byId = new Map<string, string>();
  private readonly byCtid = new Map<string, string>();

  remember(hostId: string, instance: { id: string; ctid: number | null }): void {
    this.byId.set(instance.id, hostId);
    if (instance.ctid !== null) this.byCtid.set(String(instance.ctid), instance.id);
  }

  /** Drops an instance, named by UUID or CT ID. */
  forget(idOrCtid: string): void {
    const instanceId = this.byCtid.get(idOrCtid) ?? idOrCtid;
    this.byId.delete(instanceId);
    for (const [ctid, id] of this.byCtid) if (id === instanceId) this.byCtid.delete(ctid);
  }

  /** The host last seen holding this instance (named by UUID or CT ID), if any. */
  hostOf(idOrCtid: string): string | undefined {
    return this.byId.get(this.byCtid.get(idOrCtid) ?? idOrCtid);
  }

  get size(): number {
    return this.byId.size;
  }
}
