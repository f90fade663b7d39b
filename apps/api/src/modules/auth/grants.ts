import type { PrismaClient } from '@berth/db';
import {
  BUILTIN_ROLES,
  BuiltinRole,
  Permission,
  type EffectiveGrant,
  type GrantScope,
} from '@berth/contracts';

export const isBuiltinRole = (role: string): role is BuiltinRole =>
  BuiltinRole.safeParse(role).success;

/** A custom role's stored list; a name no longer in the code is dropped, not an error. */
export const parsePermissions = (json: string | null): Permission[] => {
  const list: unknown = JSON.parse(json ?? '[]');
  return Array.isArray(list)
    ? list.filter((p): p is Permission => Permission.safeParse(p).success)
    : [];
};

/**
 * What a user holds: each grant with its role's permissions, read on every request so a
 * changed grant or role counts at once. `limit` (an API token's permissions) cuts each down.
 */
export async function effectiveGrants(
  db: PrismaClient,
  userId: string,
  limit: readonly Permission[] | null,
): Promise<EffectiveGrant[]> {
  const grants = await db.grant.findMany({ where: { userId }, orderBy: { createdAt: 'asc' } });
  const customIds = grants.map((g) => g.role).filter((r) => !isBuiltinRole(r));
  const custom = new Map(
    customIds.length
      ? (await db.role.findMany({ where: { id: { in: customIds } } })).map((r) => [r.id, r])
      : [],
  );
  return grants.flatMap((g) => {
    const row = isBuiltinRole(g.role) ? null : custom.get(g.role);
    if (!isBuiltinRole(g.role) && !row) return [];
    const permissions = row
      ? parsePermissions(row.permissions)
      : [...BUILTIN_ROLES[g.role as BuiltinRole].permissions];
    return [
      {
        role: g.role,
        roleName: row?.name ?? g.role,
        scope: g.scope as GrantScope,
        scopeValue: g.scopeValue,
        permissions: limit ? permissions.filter((p) => limit.includes(p)) : permissions,
      },
    ];
  });
}

/** Every permission held anywhere: what an API token may be given at most. */
export const heldPermissions = (grants: readonly EffectiveGrant[]): Permission[] => [
  ...new Set(grants.flatMap((g) => g.permissions)),
];

/** Permissions held over the whole console. */
export const consoleWidePermissions = (grants: readonly EffectiveGrant[]): Permission[] => [
  ...new Set(grants.filter((g) => g.scope === 'all').flatMap((g) => g.permissions)),
];
