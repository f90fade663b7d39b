import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AccessTarget, Permission } from '@berth/contracts';
import {
  can,
  canSomewhere,
  forbidden,
  isInstancePermission,
  notFound,
  unauthorized,
} from '@berth/contracts';
import type { Actor } from '../modules/audit/audit.service.js';
import type { Auth, ClientInfo, Principal } from '../modules/auth/auth.service.js';

export const SESSION_COOKIE = 'berth_session';

/** What a route needs: a permission, or only a login ('self': my account, my tokens). */
export type RoutePermission = Permission | 'self';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** Routes reachable without logging in (login, health, docs). */
    public?: boolean;
    /** What the caller needs; checked before the body is read. Instance permissions on
     * /api/v1/instances/:id… routes are also checked against that instance's scope. */
    permission?: RoutePermission;
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

const INSTANCE_ROUTE = '/api/v1/instances/:id';

const clientOf = (req: FastifyRequest): ClientInfo => ({
  ip: req.ip ?? null,
  userAgent: req.headers['user-agent'] ?? null,
});

const needs = (permission: Permission) => forbidden(`this needs the ${permission} permission`);

/**
 * Who made a request (a session cookie, or an API token as a bearer), and whether they may:
 * every route declares its permission in its config, and this is the one place it is checked.
 * `locate` finds an instance's host and tags, for grants scoped to a host or a tag.
 */
export const authPlugin = fp(
  async (
    app: FastifyInstance,
    { auth, locate }: { auth: Auth; locate: (id: string) => Promise<AccessTarget> },
  ) => {
    app.decorateRequest('principal', null);
    // onRequest runs before the body is parsed and validated: a caller without a login or the
    // permission learns nothing about a route's shapes, and a bad body from them is a 401/403.
    app.addHook('onRequest', async (req) => {
      const header = req.headers.authorization;
      if (header?.startsWith('Bearer ')) {
        req.principal = await auth.fromToken(header.slice(7), clientOf(req));
        if (!req.principal && !req.routeOptions.config.public)
          throw unauthorized('the API token is unknown or expired');
      } else {
        const cookie = req.cookies[SESSION_COOKIE];
        req.principal = cookie ? await auth.fromSession(cookie) : null;
      }
      if (isPublic(routeOf(req), req.routeOptions.config)) return;
      if (!req.principal) throw unauthorized();
      const permission = req.routeOptions.config.permission;
      // Fail closed: a route that forgot to say what it needs serves nobody (the matrix test
      // names it).
      if (!permission) throw forbidden(`${routeOf(req)} declares no permission`);
      if (permission !== 'self' && !canSomewhere(req.principal, permission))
        throw needs(permission);
    });
    // After validation, so the instance id is a well-formed one before any agent is asked.
    app.addHook('preHandler', async (req) => {
      const permission = req.routeOptions.config.permission;
      const p = req.principal;
      if (!p || !permission || permission === 'self' || !isInstancePermission(permission)) return;
      if (!routeOf(req).startsWith(INSTANCE_ROUTE) || can(p, permission)) return;
      const id = (req.params as { id: string }).id;
      const target = await locate(id);
      if (can(p, permission, target)) return;
      // Outside every scope of theirs, an instance does not exist for them.
      throw can(p, 'instance.view', target) ? needs(permission) : notFound(`instance ${id}`);
    });
  },
);

/** For checks a route's config cannot express (what a body asks for, a create's target). */
export function requirePermission(
  req: FastifyRequest,
  permission: Permission,
  target?: AccessTarget,
): Principal {
  const p = req.principal;
  if (!p) throw unauthorized();
  if (!can(p, permission, target)) throw needs(permission);
  return p;
}

/** The caller; for routes whose permission the hook has already checked. */
export function principalOf(req: FastifyRequest): Principal {
  if (!req.principal) throw unauthorized();
  return req.principal;
}

export function actorOf(req: FastifyRequest): Actor {
  const p = req.principal;
  return {
    userId: p?.id ?? null,
    name: p ? (p.tokenName ? `${p.username} (token ${p.tokenName})` : p.username) : 'anonymous',
    ip: req.ip ?? null,
  };
}
