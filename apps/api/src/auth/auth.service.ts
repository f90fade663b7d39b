import { createHash, randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import type { ApiToken as ApiTokenRow, PrismaClient, User } from '@berth/db';
import type { Me, Role } from '@berth/contracts';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const newSecret = () => randomBytes(32).toString('base64url');
// A fixed hash to verify against when the user does not exist, so timing does not reveal usernames.
let dummyHash: string | undefined;

export interface Principal extends Me {
  tokenName?: string;
}

/** Passwords (argon2id), sessions and API tokens; only hashes of secrets are stored. */
export class Auth {
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

  async createSession(userId: string): Promise<{ secret: string; expiresAt: Date }> {
    const secret = newSecret();
    const expiresAt = new Date(Date.now() + this.sessionHours * 3600_000);
    await this.db.session.create({
      data: { tokenHash: sha256(secret), userId, expiresAt, lastSeenAt: new Date() },
    });
    return { secret, expiresAt };
  }

  async endSession(secret: string): Promise<void> {
    await this.db.session.deleteMany({ where: { tokenHash: sha256(secret) } });
  }

  async fromSession(secret: string): Promise<Principal | null> {
    const session = await this.db.session.findUnique({
      where: { tokenHash: sha256(secret) },
      include: { user: true },
    });
    if (!session) return null;
    if (session.expiresAt < new Date()) {
      await this.db.session.delete({ where: { id: session.id } }).catch(() => undefined);
      return null;
    }
    return {
      id: session.user.id,
      username: session.user.username,
      role: session.user.role as Role,
      via: 'session',
    };
  }

  async createToken(userId: string, name: string, expiresInDays?: number) {
    const secret = `berth_${newSecret()}`;
    const row = await this.db.apiToken.create({
      data: {
        name,
        tokenHash: sha256(secret),
        userId,
        expiresAt: expiresInDays ? new Date(Date.now() + expiresInDays * 86400_000) : null,
      },
    });
    return { row, secret };
  }

  async fromToken(secret: string): Promise<Principal | null> {
    const token = await this.db.apiToken.findUnique({
      where: { tokenHash: sha256(secret) },
      include: { user: true },
    });
    if (!token || (token.expiresAt && token.expiresAt < new Date())) return null;
    await this.db.apiToken.update({ where: { id: token.id }, data: { lastUsedAt: new Date() } });
    return {
      id: token.user.id,
      username: token.user.username,
      role: token.user.role as Role,
      via: 'token',
      tokenName: token.name,
    };
  }

  listTokens(userId: string): Promise<ApiTokenRow[]> {
    return this.db.apiToken.findMany({ where: { userId }, orderBy: { createdAt: 'desc' } });
  }

  async deleteToken(userId: string, id: string): Promise<boolean> {
    const { count } = await this.db.apiToken.deleteMany({ where: { id, userId } });
    return count > 0;
  }
}
