import { z } from 'zod';
import { CONSOLE_WIDE_PERMISSIONS, INSTANCE_PERMISSIONS } from './access.js';

export const Permission = z.enum([...INSTANCE_PERMISSIONS, ...CONSOLE_WIDE_PERMISSIONS]);
export type Permission = z.infer<typeof Permission>;

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
