import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  ApiToken,
  CreateApiToken,
  CreatedApiToken,
  ErrorCode,
  LoginRequest,
  isAppError,
  Me,
  listOf,
} from '@berth/contracts';
import type { ZodTypeProvider } from '@berth/fastify-kit';
import { SESSION_COOKIE, actorOf, requireRole } from '../../plugins/auth.js';
import type { Audit } from '../audit/audit.service.js';
import type { Auth } from './auth.service.js';
import type { LoginThrottle } from './login-throttle.js';

export async function authRoutes(
  app: FastifyInstance,
  {
    auth,
    audit,
    throttle,
    secureCookies,
  }: { auth: Auth; audit: Audit; throttle: LoginThrottle; secureCookies: boolean },
) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    '/api/v1/auth/login',
    {
      config: { public: true },
      schema: { tags: ['auth'], body: LoginRequest, response: { 200: Me } },
    },
    async (req, reply) => {
      const { username, password } = req.body;
      req.auditNote = { action: 'auth.login', targetType: 'user', targetId: username };
      // Checked before the password: a locked caller learns nothing, not even a right guess.
      const attempt = throttle.begin(username, req.ip);
      const { principal, secret, expiresAt } = await auth
        .login(username, password)
        .catch(async (err: unknown) => {
          if (!isAppError(err) || err.code !== ErrorCode.unauthorized) {
            attempt.abandoned();
            throw err;
          }
          for (const lock of attempt.failed()) {
            const entry = {
              action: 'auth.lockout',
              targetType: lock.scope === 'account' ? 'user' : 'address',
              targetId: lock.key,
              outcome: 'denied' as const,
              detail: { failures: lock.failures, lockedSeconds: lock.seconds },
            };
            // The refusal stands even when the database cannot take the row: log it instead.
            await audit.record(actorOf(req), entry).catch((e: unknown) => {
              req.log.error({ err: e, audit: entry }, 'audit row not written');
            });
          }
          throw err;
        });
      attempt.succeeded();
      reply.setCookie(SESSION_COOKIE, secret, {
        path: '/',
        httpOnly: true,
        sameSite: 'strict',
        secure: secureCookies,
        expires: expiresAt,
      });
      req.principal = principal;
      return principal;
    },
  );

  r.post(
    '/api/v1/auth/logout',
    { config: { public: true }, schema: { tags: ['auth'] } },
    async (req, reply) => {
      req.auditNote = {
        action: 'auth.logout',
        targetType: 'user',
        targetId: req.principal?.username ?? null,
      };
      const cookie = req.cookies[SESSION_COOKIE];
      if (cookie) await auth.endSession(cookie);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send();
    },
  );

  r.get('/api/v1/auth/me', { schema: { tags: ['auth'], response: { 200: Me } } }, async (req) => {
    const p = requireRole(req, 'viewer');
    return { id: p.id, username: p.username, role: p.role, via: p.via };
  });

  r.get(
    '/api/v1/auth/tokens',
    { schema: { tags: ['auth'], response: { 200: listOf(ApiToken) } } },
    async (req) => {
      const p = requireRole(req, 'viewer');
      return { items: await auth.listTokens(p.id) };
    },
  );

  r.post(
    '/api/v1/auth/tokens',
    { schema: { tags: ['auth'], body: CreateApiToken, response: { 201: CreatedApiToken } } },
    async (req, reply) => {
      const p = requireRole(req, 'viewer');
      const created = await auth.createToken(p, req.body.name, req.body.expiresInDays);
      req.auditNote = {
        action: 'token.create',
        targetType: 'token',
        targetId: created.id,
        detail: { name: created.name },
      };
      return reply.status(201).send(created);
    },
  );

  r.delete(
    '/api/v1/auth/tokens/:id',
    { schema: { tags: ['auth'], params: z.object({ id: z.string().min(1).max(64) }) } },
    async (req, reply) => {
      const p = requireRole(req, 'viewer');
      req.auditNote = { action: 'token.delete', targetType: 'token', targetId: req.params.id };
      await auth.deleteToken(p.id, req.params.id);
      return reply.status(204).send();
    },
  );
}
