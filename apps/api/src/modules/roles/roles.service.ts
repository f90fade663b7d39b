import type { PrismaClient } from '@berth/db';
import type { CreateRole, Permission, RoleInfo } from '@berth/contracts';
import { BUILTIN_ROLES, BuiltinRole, conflict, notFound, wrongState } from '@berth/contracts';
import { isBuiltinRole, parsePermissions } from '../auth/grants.js';

type RoleRow = NonNullable<Awaited<ReturnType<PrismaClient['role']['findUnique']>>>;

const customView = (r: RoleRow, grants: number): RoleInfo => ({
  id: r.id,
  name: r.name,
  description: r.description,
  permissions: parsePermissions(r.permissions),
  builtin: false,
  grants,
});

/** Built-in roles (in code, read-only) and custom roles made from the permission list. */
export class Roles {
  constructor(private readonly db: PrismaClient) {}

  private async grantCounts(): Promise<Map<string, number>> {
    const rows = await this.db.grant.groupBy({ by: ['role'], _count: { _all: true } });
    return new Map(rows.map((r) => [r.role, r._count._all]));
  }

  async list(): Promise<RoleInfo[]> {
    const counts = await this.grantCounts();
    const builtin = BuiltinRole.options.map((name) => ({
      id: name,
      name,
      description: BUILTIN_ROLES[name].description,
      permissions: [...BUILTIN_ROLES[name].permissions],
      builtin: true,
      grants: counts.get(name) ?? 0,
    }));
    const custom = await this.db.role.findMany({ orderBy: { name: 'asc' } });
    return [...builtin, ...custom.map((r) => customView(r, counts.get(r.id) ?? 0))];
  }

  /** A role's permissions by id, or null when there is no such role. */
  async permissionsOf(id: string): Promise<Permission[] | null> {
    if (isBuiltinRole(id)) return [...BUILTIN_ROLES[id].permissions];
    const row = await this.db.role.findUnique({ where: { id } });
    return row ? parsePermissions(row.permissions) : null;
  }

  private async custom(id: string): Promise<RoleRow> {
    if (isBuiltinRole(id)) throw wrongState(`${id} is a built-in role and cannot be changed`);
    const row = await this.db.role.findUnique({ where: { id } });
    if (!row) throw notFound(`role ${id}`);
    return row;
  }

  private async checkName(name: string, except?: string): Promise<void> {
    if (BuiltinRole.options.some((b) => b.toLowerCase() === name.toLowerCase()))
      throw conflict(`${name} is the name of a built-in role`, 'name');
    const same = await this.db.role.findUnique({ where: { name } });
    if (same && same.id !== except) throw conflict(`a role named ${name} exists`, 'name');
  }

  async create(spec: CreateRole): Promise<RoleInfo> {
    await this.checkName(spec.name);
    const row = await this.db.role.create({
      data: {
        name: spec.name,
        description: spec.description,
        permissions: JSON.stringify([...new Set(spec.permissions)]),
      },
    });
    return customView(row, 0);
  }

  async update(
    id: string,
    patch: Partial<CreateRole>,
  ): Promise<{ before: RoleInfo; after: RoleInfo }> {
    const row = await this.custom(id);
    if (patch.name !== undefined) await this.checkName(patch.name, id);
    const updated = await this.db.role.update({
      where: { id },
      data: {
        name: patch.name,
        description: patch.description,
        permissions: patch.permissions && JSON.stringify([...new Set(patch.permissions)]),
      },
    });
    const n = (await this.grantCounts()).get(id) ?? 0;
    return { before: customView(row, n), after: customView(updated, n) };
  }

  /** A role still granted to someone cannot go: their rights would change without a word. */
  async delete(id: string): Promise<RoleInfo> {
    const row = await this.custom(id);
    const inUse = await this.db.grant.count({ where: { role: id } });
    if (inUse > 0)
      throw conflict(`role ${row.name} is granted ${inUse} time(s); remove those grants first`);
    // A grant racing this delete names a missing role, which gives nothing (effectiveGrants).
    await this.db.role.delete({ where: { id } });
    return customView(row, 0);
  }
}
