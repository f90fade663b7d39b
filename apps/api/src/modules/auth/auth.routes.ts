import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  ApiToken,
  ChangePassword,
  ConfirmTotp,
  CreateApiToken,
  CreatedApiToken,
  DisableTotp,
  ErrorCode,
  LoginRequest,
  Me,
  RecoveryCodes,
  SessionInfo,
  TotpEnrollment,
  forbidden,
  isAppError,
  listOf,
} from '@berth/contracts';
import type { ZodTypeProvider } from '@berth/fastify-kit';
import { SESSION_COOKIE, actorOf, principalOf } from '../../plugins/auth.js';
import type { Audit } from '../audit/audit.service.js';
import type { Auth, Principal } from './auth.service.js';
import type { LoginThrottle } from './login-throttle.js';

const IdParams = z.strictObject({ id: z.string().min(1).max(64) });
const tags = ['auth'];
const self = { permission: 'self' as const };

/**
 * The caller, when logged in with a session: an API token, however limited, must not be able
 * to take over its owner's account (set a password, a second factor, end their logins).
 */
function fromLogin(req: FastifyRequest): Principal {
  const p = principalOf(req);
  if (p.via === 'token')
    throw forbidden('your account is changed from a logged-in session, not with an API token');
  return p;
}

/** Logging in and out, and everything a user does to their own account. */
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
      schema: {
        tags,
        description:
          'With TOTP on, a right password without `code` answers 401 `totp_required`; send it again with the code.',
        body: LoginRequest,
        response: { 200: Me },
      },
    },
    async (req, reply) => {
      const { username, password, code } = req.body;
      req.auditNote = { action: 'auth.login', targetType: 'user', targetId: username };
      // Checked before the password: a locked caller learns nothing, not even a right guess.
      const attempt = throttle.begin(username, req.ip);
      const client = { ip: req.ip ?? null, userAgent: req.headers['user-agent'] ?? null };
      const { principal, secret, expiresAt } = await auth
        .login(username, password, code, client)
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
    { config: { public: true }, schema: { tags } },
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

  r.get(
    '/api/v1/auth/me',
    {
      config: self,
      schema: {
        tags,
        description: 'Who I am and what I may do: my permissions and every grant with its scope.',
        response: { 200: Me },
      },
    },
    async (req) => principalOf(req),
  );

  r.post(
    '/api/v1/auth/password',
    { config: self, schema: { tags, body: ChangePassword } },
    async (req, reply) => {
      const p = fromLogin(req);
      req.auditNote = { action: 'user.password.change', targetType: 'user', targetId: p.id };
      await auth.changePassword(p, req.body.currentPassword, req.body.newPassword);
      return reply.status(204).send();
    },
  );

  r.post(
    '/api/v1/auth/totp',
    {
      config: self,
      schema: {
        tags,
        description: 'Starts TOTP setup: a new secret, in force once a code from it is confirmed.',
        response: { 200: TotpEnrollment },
      },
    },
    async (req) => {
      const p = fromLogin(req);
      req.auditNote = { action: 'user.totp.enroll', targetType: 'user', targetId: p.id };
      return auth.enrollTotp(p);
    },
  );

  r.post(
    '/api/v1/auth/totp/confirm',
    { config: self, schema: { tags, body: ConfirmTotp, response: { 200: RecoveryCodes } } },
    async (req) => {
      const p = fromLogin(req);
      req.auditNote = { action: 'user.totp.enable', targetType: 'user', targetId: p.id };
      return auth.confirmTotp(p, req.body.code);
    },
  );

  r.post(
    '/api/v1/auth/totp/disable',
    { config: self, schema: { tags, body: DisableTotp } },
    async (req, reply) => {
      const p = fromLogin(req);
      req.auditNote = { action: 'user.totp.disable', targetType: 'user', targetId: p.id };
      await auth.disableTotp(p, req.body.password);
      return reply.status(204).send();
    },
  );

  r.get(
    '/api/v1/auth/sessions',
    { config: self, schema: { tags, response: { 200: listOf(SessionInfo) } } },
    async (req) => {
      const p = principalOf(req);
      return { items: await auth.listSessions(p.id, p.sessionId) };
    },
  );

  r.delete(
    '/api/v1/auth/sessions/:id',
    { config: self, schema: { tags, params: IdParams } },
    async (req, reply) => {
      const p = fromLogin(req);
      req.auditNote = { action: 'session.end', targetType: 'session', targetId: req.params.id };
      await auth.endSessionById(p.id, req.params.id);
      if (req.params.id === p.sessionId) reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send();
    },
  );

  r.delete(
    '/api/v1/auth/sessions',
    { config: self, schema: { tags, description: 'Log out everywhere, this session included.' } },
    async (req, reply) => {
      const p = fromLogin(req);
      req.auditNote = { action: 'session.end_all', targetType: 'user', targetId: p.id };
      const ended = await auth.endAllSessions(p.id);
      req.auditNote.detail = { ended };
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send();
    },
  );

  r.get(
    '/api/v1/auth/tokens',
    { config: self, schema: { tags, response: { 200: listOf(ApiToken) } } },
    async (req) => ({ items: await auth.listTokens(principalOf(req).id) }),
  );

  r.post(
    '/api/v1/auth/tokens',
    {
      config: self,
      schema: { tags, body: CreateApiToken, response: { 201: CreatedApiToken } },
    },
    async (req, reply) => {
      const created = await auth.createToken(principalOf(req), req.body);
      req.auditNote = {
        action: 'token.create',
        targetType: 'token',
        targetId: created.id,
        detail: {
          name: created.name,
          expiresAt: created.expiresAt,
          permissions: created.permissions,
        },
      };
      return reply.status(201).send(created);
    },
  );

  r.delete(
    '/api/v1/auth/tokens/:id',
    { config: self, schema: { tags, params: IdParams } },
    async (req, reply) => {
      req.auditNote = { action: 'token.delete', targetType: 'token', targetId: req.params.id };
      await auth.deleteToken(principalOf(req).id, req.params.id);
      return reply.status(204).send();
    },
  );
}
