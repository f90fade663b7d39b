import { z } from 'zod';

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

export const Permission = z.enum([...INSTANCE_PERMISSIONS, ...CONSOLE_WIDE_PERMISSIONS]);
export type Permission = z.infer<typeof Permission>;

export const isInstancePermission = (p: Permission): boolean =>
  (INSTANCE_PERMISSIONS as readonly string[]).includes(p);

export const BuiltinRole = z.enum(['admin', 'operator', 'auditor']);
export type BuiltinRole = z.infer<typeof BuiltinRole>;

const ALL = Permission.options;

/** Built-in roles live in code so a new permission reaches them without a migration. */
export const BUILTIN_ROLES: Record<
  BuiltinRole,
  { description: string; permissions: readonly Permission[] }
> = {
  admin: { description: 'Everything, users and settings included.', permissions: ALL },
  operator: {
    description:
      'Instances: create, lifecycle, consoles, snapshots, backups. No users, licenses or host settings.',
    permissions: [
      ...INSTANCE_PERMISSIONS,
      'template.view',
      'template.manage',
      'iso.view',
      'iso.manage',
      'host.view',
      'task.view',
      'sample.view',
      'sample.manage',
      'license.view',
    ],
  },
  auditor: {
    description:
      'Reads everything, the audit log and console recordings included; changes nothing.',
    permissions: ALL.filter(
      (p) =>
        p.endsWith('.view') || p === 'audit.view' || p === 'recording.view' || p === 'task.view',
    ),
  },
};
