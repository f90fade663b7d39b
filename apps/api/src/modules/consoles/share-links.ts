import type { PrismaClient, ShareLink as ShareLinkRow } from '@berth/db';
import type { ConsoleKind, CreateShareLink, CreatedShareLink, ShareLink } from '@berth/contracts';
import { notFound, unauthorized, gone } from '@berth/contracts';
import { newSecret, sha256 } from '../auth/secrets.js';

const toShareLink = (row: ShareLinkRow): ShareLink => ({
  id: row.id,
  instanceId: row.instanceId,
  kind: row.kind as ConsoleKind,
  shellId: row.shellId,
  mode: row.mode as ShareLink['mode'],
  createdBy: row.createdBy,
  createdAt: row.createdAt.toISOString(),
  expiresAt: row.expiresAt.toISOString(),
  revokedAt: row.revokedAt?.toISOString() ?? null,
  lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
  uses: row.uses,
});

/** Time-limited links that open one console without an account; only their hash is stored. */
export class ShareLinks {
  constructor(private readonly db: PrismaClient) {}

  async create(
    by: { id: string; username: string },
    instance: { id: string; hostId: string },
    input: CreateShareLink,
  ): Promise<CreatedShareLink> {
    const token = newSecret();
    const row = await this.db.shareLink.create({
      data: {
        tokenHash: sha256(token),
        hostId: instance.hostId,
        instanceId: instance.id,
        kind: input.kind,
        shellId: input.shellId ?? null,
        mode: input.mode,
        createdById: by.id,
        createdBy: by.username,
        expiresAt: new Date(Date.now() + input.expiresInMinutes * 60_000),
      },
    });
    return { ...toShareLink(row), token, url: `/share/#${token}` };
  }

  async list(instanceId: string): Promise<ShareLink[]> {
    const rows = await this.db.shareLink.findMany({
      where: { instanceId },
      orderBy: { createdAt: 'desc' },
    });
    return rows.map(toShareLink);
  }

  async get(id: string): Promise<ShareLink> {
    const row = await this.db.shareLink.findUnique({ where: { id } });
    if (!row) throw notFound(`share link ${id}`);
    return toShareLink(row);
  }

  async revoke(id: string): Promise<ShareLink> {
    const row = await this.db.shareLink.findUnique({ where: { id } });
    if (!row) throw notFound(`share link ${id}`);
    const revoked = row.revokedAt
      ? row
      : await this.db.shareLink.update({ where: { id }, data: { revokedAt: new Date() } });
    return toShareLink(revoked);
  }

  /** Counts one use of a link that is still good. */
  async use(token: string): Promise<ShareLinkRow> {
    const row = await this.db.shareLink.findUnique({ where: { tokenHash: sha256(token) } });
    if (!row) throw unauthorized('this share link is not known');
    if (row.revokedAt) throw gone('this share link was revoked');
    if (row.expiresAt < new Date()) throw gone('this share link expired');
    return this.db.shareLink.update({
      where: { id: row.id },
      data: { uses: { increment: 1 }, lastUsedAt: new Date() },
    });
  }

  /** Whether consoles opened through this link may stay open. */
  async stillValid(id: string): Promise<boolean> {
    const row = await this.db.shareLink.findUnique({ where: { id } });
    return !!row && !row.revokedAt && row.expiresAt > new Date();
  }
}
