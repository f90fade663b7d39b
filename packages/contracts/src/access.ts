import type { EffectiveGrant } from './auth.js';
import type { Permission } from './permissions.js';

/*
 * Permission names and the checks made with them, without zod: the web's first screen checks
 * permissions and needs no schema, and this keeps zod (about 100 KB of JS to load and run) out
 * of it. The zod enum of these names is in permissions.ts.
 */

/**
 * Everything a route can require. Instance permissions can be granted over a scope (a host,
 * or instances with a tag); the others only console-wide.
 */
export const INSTANCE_PERMISSIONS = [
  'instance.view', // see instances, their tasks, events and thumbnails
  'instance.create',
  'instance.power', // start, stop, restart, reset, pause, resume
  'instance.configure', // settings, limits, tags, the ISO in a VM's drive
  'instance.delete',
  'instance.console', // interactive shell, screen, serial, typed text, run a command
  'instance.console.view', // view-only consoles
  'instance.share', // share links to a console
  'instance.snapshot',
  'instance.backup',
] as const;

export const CONSOLE_WIDE_PERMISSIONS = [
  'instance.privileged', // create, keep or convert privileged containers
  'template.view',
  'template.manage',
  'iso.view',
  'iso.manage',
  'host.view',
  'host.manage', // host settings, firewall, quotas, adding hosts
  'task.view', // every task, not only those of instances one may see
  'audit.view',
  'audit.manage', // retention
  'recording.view', // replay console recordings
  'recording.manage', // which consoles are recorded
  'user.manage', // users, their grants, password resets
  'role.manage', // custom roles
  'sample.view', // configuration samples
  'sample.manage', // create, change and delete them
  'license.view',
  'license.manage',
  'usage.view', // usage totals of every instance (billing)
  'alert.view', // alert rules and their history
  'alert.manage', // create, change and delete alert rules
] as const;

export const isInstancePermission = (p: Permission): boolean =>
  (INSTANCE_PERMISSIONS as readonly string[]).includes(p);

/** What a scoped grant is matched against: an instance's host and tags. */
export interface AccessTarget {
  hostId: string | null;
  tags: readonly string[];
}

/**
 * Whether someone holding these grants may do this, on this instance when one is named. Scoped
 * grants only ever give instance permissions, and only for instances in their scope; without a
 * target only whole-console grants count.
 */
export function can(
  who: { grants: readonly EffectiveGrant[] },
  permission: Permission,
  target?: AccessTarget,
): boolean {
  return who.grants.some(
    (g) =>
      g.permissions.includes(permission) &&
      (g.scope === 'all' ||
        (!!target &&
          isInstancePermission(permission) &&
          (g.scope === 'host'
            ? target.hostId === g.scopeValue
            : target.tags.includes(g.scopeValue)))),
  );
}

/** Whether any grant gives this permission, over any scope (some instance may be allowed). */
export const canSomewhere = (who: { grants: readonly EffectiveGrant[] }, permission: Permission) =>
  isInstancePermission(permission)
    ? who.grants.some((g) => g.permissions.includes(permission))
    : can(who, permission);
