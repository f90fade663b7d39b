import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Role } from '@berth/contracts';
import { forbidden, unauthorized } from '@berth/contracts';
import type { Actor } from '../modules/audit/audit.service.js';
import type { Auth, Principal } from '../modules/auth/auth.service.js';

export const SESSION_COOKIE = 'berth_session';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** Routes reachable without logging in (login, health, docs). */
    public?: boolean;
  }
}

/**
 * Whether a route answers without a login: marked public, the API docs, or not an API route
 * (the web UI's files). Given the route's own pattern, not the request's raw URL: the router
 * decodes the path, so "/%61pi/v1/instances" reaches an /api route though its text does not
 * start with "/api/".
 */
export const isPublic = (route: string, config: { public?: boolean } | undefined): boolean =>
  config?.public === true || route.startsWith('/api/docs') || !route.startsWith('/api/');

/** The pattern of the route a request matched; the raw URL only when none did (a 404 follows). */
export const routeOf = (req: FastifyRequest): string => req.routeOptions.url ?? req.url;

const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

/** Who made a request: a session cookie, or an API token as a bearer. */
export const authPlugin = fp(async (app: FastifyInstance, { auth }: { auth: Auth }) => {
  app.decorateRequest('principal', null);
  // onRequest runs before the body is parsed and validated: a caller without a login learns
  // nothing about a route's shapes, and a bad body from them is a 401, not a 400.
  app.addHook('onRequest', async (req) => {
    const header = req.headers.authorization;
    if (header?.startsWith('Bearer ')) {
      req.principal = await auth.fromToken(header.slice(7));
      if (!req.principal && !req.routeOptions.config.public)
        throw unauthorized('the API token is unknown or expired');
    } else {
      const cookie = req.cookies[SESSION_COOKIE];
      req.principal = cookie ? await auth.fromSession(cookie) : null;
    }
    if (!req.principal && !isPublic(routeOf(req), req.routeOptions.config)) throw unauthorized();
  });
});

export function requireRole(req: FastifyRequest, role: Role): Principal {
  const p = req.principal;
  if (!p) throw unauthorized();
  if (RANK[p.role as Role] < RANK[role])
    throw forbidden(`this needs the ${role} role; you are ${p.role}`);
  return p;
}

export function actorOf(req: FastifyRequest): Actor {
  const p = req.principal;
  return {
    userId: p?.id ?? null,
    name: p ? (p.tokenName ? `${p.username} (token ${p.tokenName})` : p.username) : 'anonymous',
    ip: req.ip ?? null,
  };
}
