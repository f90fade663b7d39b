import type { PrismaClient, User as UserRow } from '@berth/db';
import type { CreateUser, Grant, GrantScope, Permission, User } from '@berth/contracts';
import { badRequest, conflict, forbidden, notFound, wrongState } from '@berth/contracts';
import type { Auth, Principal } from '../auth/auth.service.js';
import { consoleWidePermissions } from '../auth/grants.js';
import type { Roles } from '../roles/roles.service.js';

type GrantRow = Awaited<ReturnType<PrismaClient['grant']['findMany']>>[number];

const grantView = (g: GrantRow): Grant => ({
  role: g.role,
  scope: g.scope as GrantScope,
  scopeValue: g.scopeValue,
});

const userView = (u: UserRow & { grants: GrantRow[] }): User => ({
  id: u.id,
  username: u.username,
  disabled: u.disabled,
  totpEnabled: u.totpEnabled,
  createdAt: u.createdAt.toISOString(),
  passwordChangedAt: u.passwordChangedAt.toISOString(),
  grants: u.grants.map(grantView),
});

// An enabled user with the admin role over everything: there must always be one.
const ADMIN_GRANT = { role: 'admin', scope: 'all', scopeValue: '' };
const isAdminGrant = (g: Grant) => g.role === 'admin' && g.scope === 'all';

/** Users and their grants, for those with user.manage. */
export class Users {
  constructor(
    private readonly db: PrismaClient,
    private readonly auth: Auth,
    private readonly roles: Roles,
  ) {}

  async list(): Promise<User[]> {
    const rows = await this.db.user.findMany({
      include: { grants: { orderBy: { createdAt: 'asc' } } },
      orderBy: { username: 'asc' },
    });
    return rows.map(userView);
  }

  async get(id: string): Promise<User> {
    const row = await this.db.user.findUnique({
      where: { id },
      include: { grants: { orderBy: { createdAt: 'asc' } } },
    });
    if (!row) throw notFound(`user ${id}`);
    return userView(row);
  }

  /**
   * Every granted role must exist, and the one granting must hold each of its permissions over
   * the whole console: user.manage alone does not make anyone an Administrator.
   */
  private async checkGrants(by: Principal, grants: Grant[]): Promise<void> {
    const mine = consoleWidePermissions(by.grants);
    for (const [i, g] of grants.entries()) {
      const permissions = await this.roles.permissionsOf(g.role);
      if (!permissions) throw badRequest(`no role ${g.role}`, `grants.${i}.role`);
      const missing = permissions.filter((p: Permission) => !mine.includes(p));
      if (missing.length)
        throw forbidden(`you cannot grant what you do not hold: ${missing.join(', ')}`);
    }
  }

  /** Would no enabled admin be left if this user stopped being one? */
  private async isLastAdmin(userId: string): Promise<boolean> {
    const others = await this.db.user.count({
      where: { id: { not: userId }, disabled: false, grants: { some: ADMIN_GRANT } },
    });
    const self = await this.db.user.count({
      where: { id: userId, disabled: false, grants: { some: ADMIN_GRANT } },
    });
    return self > 0 && others === 0;
  }

  private async guardLastAdmin(userId: string, what: string): Promise<void> {
    if (await this.isLastAdmin(userId))
      throw wrongState(`cannot ${what} the last enabled Administrator`);
  }

  async create(by: Principal, spec: CreateUser): Promise<User> {
    await this.checkGrants(by, spec.grants);
    if (await this.db.user.findUnique({ where: { username: spec.username } }))
      throw conflict(`a user named ${spec.username} exists`, 'username');
    const row = await this.db.user.create({
      data: {
        username: spec.username,
        passwordHash: await this.auth.hashPassword(spec.password),
        grants: { create: dedupe(spec.grants) },
      },
      include: { grants: true },
    });
    return userView(row);
  }

  /** Disabling ends the user's sessions and closes their consoles and event streams now. */
  async setDisabled(id: string, disabled: boolean): Promise<{ before: User; after: User }> {
    const before = await this.get(id);
    if (disabled) await this.guardLastAdmin(id, 'disable');
    await this.db.user.update({ where: { id }, data: { disabled } });
    if (disabled) await this.auth.endEverything(id);
    return { before, after: await this.get(id) };
  }

  async delete(id: string): Promise<User> {
    const before = await this.get(id);
    await this.guardLastAdmin(id, 'delete');
    await this.auth.endEverything(id);
    // Sessions, tokens, grants and recovery codes go with the user (cascade).
    await this.db.user.delete({ where: { id } });
    return before;
  }

  /** A new password set by someone else: every session of the user ends. */
  async resetPassword(id: string, password: string): Promise<void> {
    await this.get(id);
    await this.db.user.update({
      where: { id },
      data: { passwordHash: await this.auth.hashPassword(password), passwordChangedAt: new Date() },
    });
    await this.auth.endEverything(id);
  }

  /** Replaces the user's grants at once; they count from the user's next request. */
  async setGrants(
    by: Principal,
    id: string,
    grants: Grant[],
  ): Promise<{ before: User; after: User }> {
    const before = await this.get(id);
    await this.checkGrants(by, grants);
    if (!grants.some(isAdminGrant)) await this.guardLastAdmin(id, 'take the admin role from');
    await this.db.$transaction([
      this.db.grant.deleteMany({ where: { userId: id } }),
      this.db.grant.createMany({ data: dedupe(grants).map((g) => ({ ...g, userId: id })) }),
    ]);
    return { before, after: await this.get(id) };
  }
}

const dedupe = (grants: Grant[]): Grant[] => [
  ...new Map(grants.map((g) => [`${g.role}\n${g.scope}\n${g.scopeValue}`, g])).values(),
];
