import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import type { ApiToken as ApiTokenRow, PrismaClient, User } from '@berth/db';
import type {
  ApiToken,
  CreateApiToken,
  CreatedApiToken,
  Me,
  Permission,
  RecoveryCodes,
  SessionInfo,
  TotpEnrollment,
} from '@berth/contracts';
import {
  badRequest,
  forbidden,
  notFound,
  totpRequired,
  unauthorized,
  wrongState,
} from '@berth/contracts';
import { isUnavailable } from '../../database/unavailable.js';
import {
  consoleWidePermissions,
  effectiveGrants,
  heldPermissions,
  parsePermissions,
} from './grants.js';
import { newSecret, sha256 } from './secrets.js';
import { newTotpSecret, otpauthUri, verifyTotp } from './totp.js';

const tokenView = (t: ApiTokenRow): ApiToken => ({
  id: t.id,
  name: t.name,
  createdAt: t.createdAt.toISOString(),
  expiresAt: t.expiresAt?.toISOString() ?? null,
  lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
  lastUsedIp: t.lastUsedIp,
  permissions: t.permissions === null ? null : parsePermissions(t.permissions),
});

// A fixed hash to verify against when the user does not exist, so timing does not reveal usernames.
let dummyHash: string | undefined;

export interface Principal extends Me {
  tokenName?: string;
  /** The login session or API token this request came with; consoles end with it. */
  sessionId?: string;
  tokenId?: string;
}

/** Where a request came from, kept with a session and a token's last use. */
export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
}

/**
 * Told when a login session or API token ends (logout, expiry, revocation, and every session
 * and token of a user who is disabled, deleted or has their password changed). `userId` is
 * whose it was.
 */
export type CredentialEnded = (ended: {
  userId: string;
  sessionId?: string;
  tokenId?: string;
}) => void;

// lastSeenAt is written at most this often: it serves the idle timeout, not an access log.
const TOUCH_MS = 60_000;
const RECOVERY_CODES = 10;

/** Ten random characters as xxxxx-xxxxx, easy to read out and type. */
const newRecoveryCode = () => {
  const s = [...randomBytes(10)].map((b) => (b % 36).toString(36)).join('');
  return `${s.slice(0, 5)}-${s.slice(5)}`;
};

/** Passwords (argon2id), TOTP, sessions and API tokens; only hashes of secrets are stored. */
export class Auth {
  private readonly endListeners = new Set<CredentialEnded>();

  constructor(
    private readonly db: PrismaClient,
    private readonly sessionHours: number,
    private readonly sessionIdleMinutes = 30,
    private readonly now: () => number = Date.now,
  ) {}

  /** Creates the first admin when there is no user; returns the password it set, if it made one. */
  async ensureFirstAdmin(
    password?: string,
  ): Promise<{ username: string; password: string } | null> {
    if ((await this.db.user.count()) > 0) return null;
    const chosen = password ?? randomBytes(12).toString('base64url');
    await this.db.user.create({
      data: {
        username: 'admin',
        passwordHash: await hash(chosen),
        grants: { create: { role: 'admin', scope: 'all', scopeValue: '' } },
      },
    });
    return { username: 'admin', password: chosen };
  }

  hashPassword(password: string): Promise<string> {
    return hash(password);
  }

  /** The user when the password is theirs and they are not disabled: both fail the same way. */
  async checkPassword(username: string, password: string): Promise<User | null> {
    const user = await this.db.user.findUnique({ where: { username } });
    if (!user) {
      dummyHash ??= await hash(newSecret());
      await verify(dummyHash, password);
      return null;
    }
    return (await verify(user.passwordHash, password)) && !user.disabled ? user : null;
  }

  /** Checks a password (and the second factor when the account has one) and opens a session. */
  async login(
    username: string,
    password: string,
    code: string | undefined,
    client: ClientInfo,
  ): Promise<{ principal: Principal; secret: string; expiresAt: Date }> {
    const user = await this.checkPassword(username, password);
    if (!user) throw unauthorized('wrong username or password');
    if (user.totpEnabled) {
      if (!code) throw totpRequired();
      if (!(await this.secondFactor(user, code))) throw unauthorized('wrong code');
    }
    const session = await this.createSession(user.id, client);
    const principal = await this.principalOf(user, 'session', null, {
      sessionId: session.sessionId,
    });
    return { principal, secret: session.secret, expiresAt: session.expiresAt };
  }

  /** A TOTP code for a step after the last one used, or an unused recovery code (then spent). */
  private async secondFactor(user: User, code: string): Promise<boolean> {
    if (/^\d{6}$/.test(code)) {
      if (!user.totpSecret) return false;
      const step = verifyTotp(user.totpSecret, code, this.now(), user.totpLastStep);
      if (step === null) return false;
      // Conditional, so two logins racing with one code cannot both win.
      const { count } = await this.db.user.updateMany({
        where: {
          id: user.id,
          OR: [{ totpLastStep: null }, { totpLastStep: { lt: step } }],
        },
        data: { totpLastStep: step },
      });
      return count === 1;
    }
    const { count } = await this.db.recoveryCode.updateMany({
      where: { userId: user.id, codeHash: sha256(code), usedAt: null },
      data: { usedAt: new Date(this.now()) },
    });
    return count === 1;
  }

  private async createSession(
    userId: string,
    client: ClientInfo,
  ): Promise<{ secret: string; expiresAt: Date; sessionId: string }> {
    const secret = newSecret();
    const expiresAt = new Date(this.now() + this.sessionHours * 3600_000);
    const row = await this.db.session.create({
      data: {
        tokenHash: sha256(secret),
        userId,
        expiresAt,
        lastSeenAt: new Date(this.now()),
        ip: client.ip,
        userAgent: client.userAgent?.slice(0, 300) ?? null,
      },
    });
    return { secret, expiresAt, sessionId: row.id };
  }

  /** Registers a listener; the answer removes it (event streams come and go). */
  onCredentialEnded(listener: CredentialEnded): () => void {
    this.endListeners.add(listener);
    return () => this.endListeners.delete(listener);
  }

  private ended(which: Parameters<CredentialEnded>[0]): void {
    for (const listener of this.endListeners) listener(which);
  }

  async endSession(secret: string): Promise<void> {
    const session = await this.db.session.findUnique({ where: { tokenHash: sha256(secret) } });
    if (!session) return;
    await this.db.session.deleteMany({ where: { id: session.id } });
    this.ended({ userId: session.userId, sessionId: session.id });
  }

  /**
   * Ends a user's sessions (all, or all but one), and tells the listeners about every session
   * and token of theirs, so open consoles and event streams close now rather than at the next
   * check. Used when a user is disabled or deleted, or their password changes.
   */
  async endEverything(userId: string, keepSessionId?: string): Promise<void> {
    const sessions = await this.db.session.findMany({ where: { userId }, select: { id: true } });
    const tokens = await this.db.apiToken.findMany({ where: { userId }, select: { id: true } });
    await this.db.session.deleteMany({
      where: { userId, ...(keepSessionId ? { id: { not: keepSessionId } } : {}) },
    });
    for (const s of sessions) this.ended({ userId, sessionId: s.id });
    for (const t of tokens) this.ended({ userId, tokenId: t.id });
  }

  async username(userId: string): Promise<string | null> {
    return (await this.db.user.findUnique({ where: { id: userId } }))?.username ?? null;
  }

  private idleLimit(): Date {
    return new Date(this.now() - this.sessionIdleMinutes * 60_000);
  }

  /** Whether a login session or API token is still good: consoles outlive requests, so they ask. */
  async stillValid(which: { sessionId?: string; tokenId?: string }): Promise<boolean> {
    const now = new Date(this.now());
    if (which.sessionId) {
      const n = await this.db.session.count({
        where: {
          id: which.sessionId,
          expiresAt: { gt: now },
          lastSeenAt: { gt: this.idleLimit() },
          user: { disabled: false },
        },
      });
      return n > 0;
    }
    if (which.tokenId) {
      const token = await this.db.apiToken.findUnique({
        where: { id: which.tokenId },
        include: { user: true },
      });
      return !!token && !token.user.disabled && (!token.expiresAt || token.expiresAt > now);
    }
    return true;
  }

  private async principalOf(
    user: User,
    via: Me['via'],
    limit: Permission[] | null,
    extra: Pick<Principal, 'sessionId' | 'tokenId' | 'tokenName'>,
  ): Promise<Principal> {
    const grants = await effectiveGrants(this.db, user.id, limit);
    return {
      id: user.id,
      username: user.username,
      via,
      totpEnabled: user.totpEnabled,
      permissions: consoleWidePermissions(grants),
      grants,
      ...extra,
    };
  }

  /** A user as a principal, by id: for tests and tools that act as someone. */
  async principalFor(userId: string, via: Me['via']): Promise<Principal> {
    const user = await this.db.user.findUniqueOrThrow({ where: { id: userId } });
    return this.principalOf(user, via, null, {});
  }

  async fromSession(secret: string): Promise<Principal | null> {
    const session = await this.db.session.findUnique({
      where: { tokenHash: sha256(secret) },
      include: { user: true },
    });
    if (!session) return null;
    const now = this.now();
    if (
      session.expiresAt.getTime() < now ||
      session.lastSeenAt < this.idleLimit() ||
      session.user.disabled
    ) {
      await this.db.session.delete({ where: { id: session.id } }).catch(() => undefined);
      this.ended({ userId: session.userId, sessionId: session.id });
      return null;
    }
    if (now - session.lastSeenAt.getTime() > TOUCH_MS) await this.touch(session.id);
    return this.principalOf(session.user, 'session', null, { sessionId: session.id });
  }

  /**
   * Marks a session as in use now, for the idle timeout. Requests do it by themselves; a
   * console's input, which is no request, should too.
   */
  async touch(sessionId: string): Promise<void> {
    // A bookkeeping write: reads must keep working while the database cannot write.
    await this.db.session
      .updateMany({ where: { id: sessionId }, data: { lastSeenAt: new Date(this.now()) } })
      .catch((err: unknown) => {
        if (!isUnavailable(err)) throw err;
      });
  }

  async listSessions(userId: string, currentId: string | undefined): Promise<SessionInfo[]> {
    const rows = await this.db.session.findMany({
      where: {
        userId,
        expiresAt: { gt: new Date(this.now()) },
        lastSeenAt: { gt: this.idleLimit() },
      },
      orderBy: { lastSeenAt: 'desc' },
    });
    return rows.map((s) => ({
      id: s.id,
      createdAt: s.createdAt.toISOString(),
      lastSeenAt: s.lastSeenAt.toISOString(),
      expiresAt: s.expiresAt.toISOString(),
      ip: s.ip,
      userAgent: s.userAgent,
      current: s.id === currentId,
    }));
  }

  /** Ends one of the user's own sessions; its consoles and event streams close with it. */
  async endSessionById(userId: string, id: string): Promise<void> {
    const { count } = await this.db.session.deleteMany({ where: { id, userId } });
    if (count === 0) throw notFound(`session ${id}`);
    this.ended({ userId, sessionId: id });
  }

  /** "Log out everywhere": every session of the user, this one included. */
  async endAllSessions(userId: string): Promise<number> {
    const sessions = await this.db.session.findMany({ where: { userId }, select: { id: true } });
    await this.db.session.deleteMany({ where: { userId } });
    for (const s of sessions) this.ended({ userId, sessionId: s.id });
    return sessions.length;
  }

  /** Needs the current password; other sessions end, consoles and streams close. */
  async changePassword(p: Principal, current: string, next: string): Promise<void> {
    const user = await this.checkPassword(p.username, current);
    if (!user) throw badRequest('the current password is wrong', 'currentPassword');
    await this.db.user.update({
      where: { id: user.id },
      data: { passwordHash: await hash(next), passwordChangedAt: new Date(this.now()) },
    });
    await this.endEverything(user.id, p.sessionId);
  }

  /** Step one of TOTP: a new secret, not in force until a code from it is confirmed. */
  async enrollTotp(p: Principal): Promise<TotpEnrollment> {
    const user = await this.db.user.findUniqueOrThrow({ where: { id: p.id } });
    if (user.totpEnabled) throw wrongState('TOTP is already on; turn it off first');
    const secret = newTotpSecret();
    await this.db.user.update({ where: { id: p.id }, data: { totpSecret: secret } });
    return { secret, uri: otpauthUri('Berth', p.username, secret) };
  }

  /** Step two: a right code turns TOTP on and answers the recovery codes, shown this once. */
  async confirmTotp(p: Principal, code: string): Promise<RecoveryCodes> {
    const user = await this.db.user.findUniqueOrThrow({ where: { id: p.id } });
    if (user.totpEnabled) throw wrongState('TOTP is already on');
    if (!user.totpSecret) throw wrongState('start the TOTP setup first');
    const step = verifyTotp(user.totpSecret, code, this.now(), null);
    if (step === null)
      throw badRequest('the code does not match; check the clock of the device', 'code');
    const codes = Array.from({ length: RECOVERY_CODES }, newRecoveryCode);
    await this.db.$transaction([
      this.db.recoveryCode.deleteMany({ where: { userId: p.id } }),
      this.db.recoveryCode.createMany({
        data: codes.map((c) => ({ userId: p.id, codeHash: sha256(c) })),
      }),
      this.db.user.update({
        where: { id: p.id },
        data: { totpEnabled: true, totpLastStep: step },
      }),
    ]);
    return { codes };
  }

  async disableTotp(p: Principal, password: string): Promise<void> {
    if (!(await this.checkPassword(p.username, password)))
      throw badRequest('the password is wrong', 'password');
    await this.db.$transaction([
      this.db.recoveryCode.deleteMany({ where: { userId: p.id } }),
      this.db.user.update({
        where: { id: p.id },
        data: { totpEnabled: false, totpSecret: null, totpLastStep: null },
      }),
    ]);
  }

  /**
   * A new API token for the caller, with at most the permissions they hold; tokens are made
   * from a login, never from another token.
   */
  async createToken(by: Principal, spec: CreateApiToken): Promise<CreatedApiToken> {
    if (by.via === 'token') throw forbidden('API tokens are created from a logged-in session');
    const held = heldPermissions(by.grants);
    const beyond = (spec.permissions ?? []).filter((x) => !held.includes(x));
    if (beyond.length)
      throw forbidden(`a token cannot have what you do not hold: ${beyond.join(', ')}`);
    const secret = `berth_${newSecret()}`;
    const row = await this.db.apiToken.create({
      data: {
        name: spec.name,
        tokenHash: sha256(secret),
        userId: by.id,
        expiresAt: spec.expiresInMinutes
          ? new Date(this.now() + spec.expiresInMinutes * 60_000)
          : null,
        permissions: spec.permissions ? JSON.stringify([...new Set(spec.permissions)]) : null,
      },
    });
    return { ...tokenView(row), token: secret };
  }

  /**
   * The token's owner, with the token's permissions cut down to what the owner holds now:
   * a token never outlives its owner's rights.
   */
  async fromToken(secret: string, client: ClientInfo): Promise<Principal | null> {
    const token = await this.db.apiToken.findUnique({
      where: { tokenHash: sha256(secret) },
      include: { user: true },
    });
    if (!token || token.user.disabled) return null;
    if (token.expiresAt && token.expiresAt.getTime() < this.now()) return null;
    // A bookkeeping write: reads must keep working while the database cannot write.
    await this.db.apiToken
      .update({
        where: { id: token.id },
        data: { lastUsedAt: new Date(this.now()), lastUsedIp: client.ip },
      })
      .catch((err: unknown) => {
        if (!isUnavailable(err)) throw err;
      });
    const limit = token.permissions === null ? null : parsePermissions(token.permissions);
    return this.principalOf(token.user, 'token', limit, {
      tokenName: token.name,
      tokenId: token.id,
    });
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
    this.ended({ userId, tokenId: id });
  }
}
