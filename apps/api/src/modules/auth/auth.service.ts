import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import type { ApiToken as ApiTokenRow, PrismaClient, User } from '@berth/db';
import type { ApiToken, CreatedApiToken, Me, Role } from '@berth/contracts';
import { forbidden, notFound, unauthorized } from '@berth/contracts';
import { isUnavailable } from '../../database/unavailable.js';
import { newSecret, sha256 } from './secrets.js';

const tokenView = (t: ApiTokenRow): ApiToken => ({
  id: t.id,
  name: t.name,
  createdAt: t.createdAt.toISOString(),
  expiresAt: t.expiresAt?.toISOString() ?? null,
  lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
});

// A fixed hash to verify against when the user does not exist, so timing does not reveal usernames.
let dummyHash: string | undefined;

export interface Principal extends Me {
  tokenName?: string;
  /** The login session or API token this request came with; consoles end with it. */
  sessionId?: string;
  tokenId?: string;
}

const principalOf = (
  user: User,
  via: Me['via'],
  extra: Pick<Principal, 'sessionId' | 'tokenId' | 'tokenName'> = {},
): Principal => ({ id: user.id, username: user.username, role: user.role as Role, via, ...extra });

/** Told when a login session or API token ends (logout, expiry, deletion). */
export type CredentialEnded = (ended: { sessionId?: string; tokenId?: string }) => void;

/** Passwords (argon2id), sessions and API tokens; only hashes of secrets are stored. */
export class Auth {
  private readonly endListeners: CredentialEnded[] = [];

  constructor(
    private readonly db: PrismaClient,
    private readonly sessionHours: number,
  ) {}

  /** Creates the first admin when there is no user; returns the password it set, if it made one. */
  async ensureFirstAdmin(
    password?: string,
  ): Promise<{ username: string; password: string } | null> {
    if ((await this.db.user.count()) > 0) return null;
    const chosen = password ?? randomBytes(12).toString('base64url');
    await this.db.user.create({
      data: { username: 'admin', passwordHash: await hash(chosen), role: 'admin' },
    });
    return { username: 'admin', password: chosen };
  }

  async checkPassword(username: string, password: string): Promise<User | null> {
    const user = await this.db.user.findUnique({ where: { username } });
    if (!user) {
      dummyHash ??= await hash(newSecret());
      await verify(dummyHash, password);
      return null;
    }
    return (await verify(user.passwordHash, password)) ? user : null;
  }

  /** Checks a password and opens a session for it. */
  async login(
    username: string,
    password: string,
  ): Promise<{ principal: Principal; secret: string; expiresAt: Date }> {
    const user = await this.checkPassword(username, password);
    if (!user) throw unauthorized('wrong username or password');
    const session = await this.createSession(user.id);
    const principal = principalOf(user, 'session');
    return { principal, ...session };
  }

  async createSession(userId: string): Promise<{ secret: string; expiresAt: Date }> {
    const secret = newSecret();
    const expiresAt = new Date(Date.now() + this.sessionHours * 3600_000);
    await this.db.session.create({
      data: { tokenHash: sha256(secret), userId, expiresAt, lastSeenAt: new Date() },
    });
    return { secret, expiresAt };
  }

  onCredentialEnded(listener: CredentialEnded): void {
    this.endListeners.push(listener);
  }

  private ended(which: { sessionId?: string; tokenId?: string }): void {
    for (const listener of this.endListeners) listener(which);
  }

  async endSession(secret: string): Promise<void> {
    const session = await this.db.session.findUnique({ where: { tokenHash: sha256(secret) } });
    if (!session) return;
    await this.db.session.deleteMany({ where: { id: session.id } });
    this.ended({ sessionId: session.id });
  }

  async username(userId: string): Promise<string | null> {
    return (await this.db.user.findUnique({ where: { id: userId } }))?.username ?? null;
  }

  /** Whether a login session or API token is still good: consoles outlive requests, so they ask. */
  async stillValid(which: { sessionId?: string; tokenId?: string }): Promise<boolean> {
    const now = new Date();
    if (which.sessionId) {
      return (
        (await this.db.session.count({ where: { id: which.sessionId, expiresAt: { gt: now } } })) >
        0
      );
    }
    if (which.tokenId) {
      const token = await this.db.apiToken.findUnique({ where: { id: which.tokenId } });
      return !!token && (!token.expiresAt || token.expiresAt > now);
    }
    return true;
  }

  async fromSession(secret: string): Promise<Principal | null> {
    const session = await this.db.session.findUnique({
      where: { tokenHash: sha256(secret) },
      include: { user: true },
    });
    if (!session) return null;
    if (session.expiresAt < new Date()) {
      await this.db.session.delete({ where: { id: session.id } }).catch(() => undefined);
      this.ended({ sessionId: session.id });
      return null;
    }
    return principalOf(session.user, 'session', { sessionId: session.id });
  }

  /** A new API token for the caller; tokens are made from a login, never from another token. */
  async createToken(by: Principal, name: string, expiresInDays?: number): Promise<CreatedApiToken> {
    if (by.via === 'token') throw forbidden('API tokens are created from a logged-in session');
    const secret = `berth_${newSecret()}`;
    const row = await this.db.apiToken.create({
      data: {
        name,
        tokenHash: sha256(secret),
        userId: by.id,
        expiresAt: expiresInDays ? new Date(Date.now() + expiresInDays * 86400_000) : null,
      },
    });
    return { ...tokenView(row), token: secret };
  }

  async fromToken(secret: string): Promise<Principal | null> {
    const token = await this.db.apiToken.findUnique({
      where: { tokenHash: sha256(secret) },
      include: { user: true },
    });
    if (!token || (token.expiresAt && token.expiresAt < new Date())) return null;
    // A bookkeeping write: reads must keep working while the database cannot write.
    await this.db.apiToken
      .update({ where: { id: token.id }, data: { lastUsedAt: new Date() } })
      .catch((err: unknown) => {
        if (!isUnavailable(err)) throw err;
      });
    return principalOf(token.user, 'token', { tokenName: token.name, tokenId: token.id });
  }

  async listTokens(userId: string): Promise<ApiToken[]> {
    const rows = await this.db.apiToken.findMany({
      where: { userId },
      orderBy: { createdAt: 'desc' },
    });
    return rows.map(tokenView);
  }

  /** Deletes one of the user's own tokens; the consoles it opened close with it. */
  async deleteToken(userId: string, id: string): Promise<void> {
    const { count } = await this.db.apiToken.deleteMany({ where: { id, userId } });
    if (count === 0) throw notFound(`token ${id}`);
    this.ended({ tokenId: id });
  }
}
