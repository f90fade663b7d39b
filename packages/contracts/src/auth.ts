import { z } from 'zod';
import { Tag } from './common.js';
import { Permission } from './permissions.js';

export const GrantScope = z.enum(['all', 'host', 'tag']);
export type GrantScope = z.infer<typeof GrantScope>;

/** A role (a built-in name or a custom role's id) over a scope: the whole console, a host, or a tag. */
export const Grant = z
  .object({
    role: z.string().min(1).max(64),
    scope: GrantScope,
    scopeValue: z.string().max(64).default('').describe('the host id or tag; empty for "all"'),
  })
  .strict()
  .superRefine((g, ctx) => {
    if (g.scope === 'all' && g.scopeValue !== '')
      ctx.addIssue({ code: 'custom', path: ['scopeValue'], message: 'must be empty for "all"' });
    if (g.scope === 'host' && g.scopeValue === '')
      ctx.addIssue({ code: 'custom', path: ['scopeValue'], message: 'name the host id' });
    if (g.scope === 'tag' && !Tag.safeParse(g.scopeValue).success)
      ctx.addIssue({ code: 'custom', path: ['scopeValue'], message: 'name a valid tag' });
  });
export type Grant = z.infer<typeof Grant>;

/** A grant as the caller holds it: with the role's name and what it allows there. */
export const EffectiveGrant = z.object({
  role: z.string(),
  roleName: z.string(),
  scope: GrantScope,
  scopeValue: z.string(),
  permissions: z.array(Permission),
});
export type EffectiveGrant = z.infer<typeof EffectiveGrant>;

export const Password = z.string().min(8, 'use at least 8 characters').max(256);

/** A TOTP code (6 digits) or a recovery code (xxxxx-xxxxx). */
export const SecondFactor = z
  .string()
  .regex(/^(\d{6}|[a-z0-9]{5}-[a-z0-9]{5})$/, 'six digits, or a recovery code like abcde-12345');

export const LoginRequest = z
  .object({
    username: z.string().min(1).max(64),
    password: z.string().min(1).max(256),
    code: SecondFactor.optional().describe('when the account has TOTP on'),
  })
  .strict();

export const Me = z.object({
  id: z.string(),
  username: z.string(),
  via: z.enum(['session', 'token']),
  totpEnabled: z.boolean(),
  /** Permissions held over the whole console. */
  permissions: z.array(Permission),
  /** Every grant, scoped ones included (an API token's are cut down to its own permissions). */
  grants: z.array(EffectiveGrant),
});
export type Me = z.infer<typeof Me>;

export const ChangePassword = z
  .object({ currentPassword: z.string().min(1).max(256), newPassword: Password })
  .strict();

export const TotpEnrollment = z.object({
  secret: z.string().describe('base32, for typing into an authenticator app'),
  uri: z.string().describe('otpauth:// URI, for a QR code'),
});
export type TotpEnrollment = z.infer<typeof TotpEnrollment>;

export const ConfirmTotp = z.object({ code: z.string().regex(/^\d{6}$/, 'six digits') }).strict();
export const RecoveryCodes = z.object({
  codes: z.array(z.string()).describe('shown once; each one logs in once instead of a TOTP code'),
});
export type RecoveryCodes = z.infer<typeof RecoveryCodes>;
export const DisableTotp = z.object({ password: z.string().min(1).max(256) }).strict();

export const SessionInfo = z.object({
  id: z.string(),
  createdAt: z.iso.datetime(),
  lastSeenAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  current: z.boolean(),
});
export type SessionInfo = z.infer<typeof SessionInfo>;

/** Longest finite token life: ten years, in minutes. */
export const MAX_TOKEN_MINUTES = 3650 * 24 * 60;

export const CreateApiToken = z
  .object({
    name: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, 'use letters, digits and _ . -'),
    expiresInMinutes: z
      .number()
      .int()
      .min(1)
      .max(MAX_TOKEN_MINUTES)
      .optional()
      .describe('left out: never expires'),
    permissions: z
      .array(Permission)
      .min(1)
      .optional()
      .describe("a subset of the owner's; left out: all of the owner's, as they change"),
  })
  .strict();
export type CreateApiToken = z.infer<typeof CreateApiToken>;

export const ApiToken = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.iso.datetime(),
  expiresAt: z.iso.datetime().nullable(),
  lastUsedAt: z.iso.datetime().nullable(),
  lastUsedIp: z.string().nullable(),
  permissions: z.array(Permission).nullable(),
});
export type ApiToken = z.infer<typeof ApiToken>;

export const CreatedApiToken = ApiToken.extend({
  token: z.string().describe('shown once; send as "Authorization: Bearer <token>"'),
});
export type CreatedApiToken = z.infer<typeof CreatedApiToken>;
