import { can as allowed, type AccessTarget, type Me, type Permission } from '@berth/contracts';

/**
 * The contracts' own check (the API's), against the grants Me lists: whether the logged-in
 * user may do this, on this instance when one is named.
 */
export const can = (me: Me | null | undefined, permission: Permission, target?: AccessTarget) =>
  !!me && allowed(me, permission, target);

/** Why a button is disabled when the user lacks the permission; null when they have it. */
export const needs = (
  me: Me | null | undefined,
  permission: Permission,
  target?: AccessTarget,
): string | null => (can(me, permission, target) ? null : `needs ${permission}`);
