import { z } from 'zod';
import { Grant, Password } from './auth.js';
import { Permission } from './permissions.js';

export const Username = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.@-]*$/, 'use letters, digits and _ . @ -');

export const User = z.object({
  id: z.string(),
  username: z.string(),
  disabled: z.boolean(),
  totpEnabled: z.boolean(),
  createdAt: z.iso.datetime(),
  passwordChangedAt: z.iso.datetime(),
  grants: z.array(Grant),
});
export type User = z.infer<typeof User>;

export const CreateUser = z
  .object({
    username: Username,
    password: Password,
    grants: z.array(Grant).max(50).default([]),
  })
  .strict();
export type CreateUser = z.infer<typeof CreateUser>;

export const UpdateUser = z.object({ disabled: z.boolean() }).strict();
export const ResetPassword = z.object({ password: Password }).strict();
export const SetGrants = z.object({ grants: z.array(Grant).max(50) }).strict();

export const RoleInfo = z.object({
  id: z.string().describe('the built-in name, or the custom role id'),
  name: z.string(),
  description: z.string(),
  permissions: z.array(Permission),
  builtin: z.boolean(),
  /** How many grants name this role. */
  grants: z.number().int(),
});
export type RoleInfo = z.infer<typeof RoleInfo>;

export const CreateRole = z
  .object({
    name: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[a-zA-Z0-9][a-zA-Z0-9 _.-]*$/, 'use letters, digits, spaces and _ . -'),
    description: z.string().max(500).default(''),
    permissions: z.array(Permission).min(1),
  })
  .strict();
export type CreateRole = z.infer<typeof CreateRole>;
/** Only what is sent changes (no defaults filled in, so a left-out description stays). */
export const UpdateRole = z
  .object({
    name: CreateRole.shape.name,
    description: z.string().max(500),
    permissions: CreateRole.shape.permissions,
  })
  .partial()
  .strict();
