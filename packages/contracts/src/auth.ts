import { z } from 'zod';

export const Role = z.enum(['admin', 'operator', 'viewer']);
export type Role = z.infer<typeof Role>;

export const LoginRequest = z
  .object({
    username: z.string().min(1).max(64),
    password: z.string().min(1).max(256),
  })
  .strict();

export const Me = z.object({
  id: z.string(),
  username: z.string(),
  role: Role,
  via: z.enum(['session', 'token']),
});
export type Me = z.infer<typeof Me>;

export const CreateApiToken = z
  .object({
    name: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, 'use letters, digits and _ . -'),
    expiresInDays: z.number().int().min(1).max(3650).optional(),
  })
  .strict();

export const ApiToken = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.iso.datetime(),
  expiresAt: z.iso.datetime().nullable(),
  lastUsedAt: z.iso.datetime().nullable(),
});
export type ApiToken = z.infer<typeof ApiToken>;

export const CreatedApiToken = ApiToken.extend({
  token: z.string().describe('shown once; send as "Authorization: Bearer <token>"'),
});
export type CreatedApiToken = z.infer<typeof CreatedApiToken>;

