import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  ApiToken,
  CreateApiToken,
  CreatedApiToken,
  LoginRequest,
  Me,
  forbidden,
  notFound,
  unauthorized,
} from '@berth/contracts';
import { type ZodTypeProvider } from '@berth/fastify-kit';
import { SESSION_COOKIE, requireRole } from '../auth/plugin.js';
import type { Auth } from '../auth/auth.service.js';
import type { ApiConfig } from '../config.js';

const tokenView = (t: {
  id: string;
  name: string;
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
}) => ({
  id: t.id,
  name: t.name,
  createdAt: t.createdAt.toISOString(),
  expiresAt: t.expiresAt?.toISOString() ?? null,
  lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
});

export async function authRoutes(
  app: FastifyInstance,
  { auth, config }: { auth: Auth; config: ApiConfig },
) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    '/api/v1/auth/login',
    {
      config: { public: true },
      schema: { tags: ['auth'], body: LoginRequest, response: { 200: Me } },
    },
    async (req, reply) => {
      req.auditNote = { action: 'auth.login', targetType: 'user', targetId: req.body.username };
      const user = await auth.checkPassword(req.body.username, req.body.password);
      if (!user) throw unauthorized('wrong username or password');
      const session = await auth.createSession(user.id);
      reply.setCookie(SESSION_COOKIE, session.secret, {
        path: '/',
        httpOnly: true,
        sameSite: 'strict',
        secure: config.secureCookies,
        expires: session.expiresAt,
      });
      req.principal = {
        id: user.id,
        username: user.username,
        role: user.role as Me['role'],
        via: 'session',
      };
      return req.principal;
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
    { schema: { tags: ['auth'], response: { 200: z.object({ items: z.array(ApiToken) }) } } },
    async (req) => {
      const p = requireRole(req, 'viewer');
      return { items: (await auth.listTokens(p.id)).map(tokenView) };
    },
  );

  r.post(
    '/api/v1/auth/tokens',
    { schema: { tags: ['auth'], body: CreateApiToken, response: { 201: CreatedApiToken } } },
    async (req, reply) => {
      const p = requireRole(req, 'viewer');
      if (p.via === 'token') throw forbidden('API tokens are created from a logged-in session');
      const { row, secret } = await auth.createToken(p.id, req.body.name, req.body.expiresInDays);
      req.auditNote = {
        action: 'token.create',
        targetType: 'token',
        targetId: row.id,
        detail: { name: row.name },
      };
      return reply.status(201).send({ ...tokenView(row), token: secret });
    },
  );

  r.delete(
    '/api/v1/auth/tokens/:id',
    { schema: { tags: ['auth'], params: z.object({ id: z.string().min(1).max(64) }) } },
    async (req, reply) => {
      const p = requireRole(req, 'viewer');
      req.auditNote = { action: 'token.delete', targetType: 'token', targetId: req.params.id };
      if (!(await auth.deleteToken(p.id, req.params.id))) throw notFound(`token ${req.params.id}`);
      return reply.status(204).send();
    },
  );
}
