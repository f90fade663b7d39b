import type { Iso, IsoStoreUsage } from '@berth/contracts';
import { AppError, ErrorCode, conflict } from '@berth/contracts';
import type { PrismaClient } from '@berth/db';
import type { Hosts } from '../hosts/hosts.service.js';

/** A host's quota set here overrides the agent's own default (BERTH_AGENT_ISO_QUOTA_BYTES). */
const quotaKey = (hostId: string) => `iso.quotaBytes:${hostId}`;

export const overQuota = (usage: IsoStoreUsage, adding: number) =>
  new AppError(
    ErrorCode.tooLarge,
    `the ISO store of this host holds ${usage.usedBytes} bytes; ${adding} more would exceed its quota of ${usage.quotaBytes} bytes`,
  );

/** Each host's ISO store; uploads are relayed as they arrive, never buffered here. */
export class IsosService {
  constructor(
    private readonly hosts: Hosts,
    private readonly db: PrismaClient,
  ) {}

  list(hostId?: string): Promise<{ items: Iso[] }> {
    return this.hosts.pick(hostId).client.isos();
  }

  /** What the host's ISOs take and the quota in force for them. */
  async usage(hostId?: string): Promise<IsoStoreUsage> {
    const { hostId: id, client } = this.hosts.pick(hostId);
    const [own, quota] = await Promise.all([client.isoStore(), this.quotaOf(id)]);
    return { usedBytes: own.usedBytes, quotaBytes: quota ?? own.quotaBytes };
  }

  /** Sets (or with null, forgets) the host's quota; answers the usage before and after. */
  async setQuota(
    quotaBytes: number | null,
    hostId?: string,
  ): Promise<{ before: IsoStoreUsage; after: IsoStoreUsage }> {
    const { hostId: id } = this.hosts.pick(hostId);
    const before = await this.usage(id);
    const key = quotaKey(id);
    if (quotaBytes === null) await this.db.setting.deleteMany({ where: { key } });
    else {
      const value = JSON.stringify(quotaBytes);
      await this.db.setting.upsert({ where: { key }, create: { key, value }, update: { value } });
    }
    return { before, after: await this.usage(id) };
  }

  /**
   * Relays an upload to the host's agent, which checks the type and counts the bytes against
   * the quota as they stream. A declared length over the quota is refused here, before a byte.
   */
  async upload(
    name: string,
    body: ReadableStream<Uint8Array>,
    declaredBytes: number | null,
    hostId?: string,
  ): Promise<Iso> {
    const { hostId: id, client } = this.hosts.pick(hostId);
    // Asked first: an agent that refuses mid-stream can only drop the connection, which reads as unreachable.
    if ((await client.isos()).items.some((i) => i.name === name)) {
      throw conflict(`an ISO named ${name} exists already; delete it first`);
    }
    const quota = await this.quotaOf(id);
    if (declaredBytes !== null) {
      const usage = await this.usage(id);
      if (usage.usedBytes + declaredBytes > usage.quotaBytes) throw overQuota(usage, declaredBytes);
    }
    return client.putIso(name, body, quota ?? undefined);
  }

  delete(name: string, hostId?: string): Promise<void> {
    return this.hosts.pick(hostId).client.deleteIso(name);
  }

  private async quotaOf(hostId: string): Promise<number | null> {
    const row = await this.db.setting.findUnique({ where: { key: quotaKey(hostId) } });
    return row ? (JSON.parse(row.value) as number) : null;
  }
}
