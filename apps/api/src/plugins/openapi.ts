import fp from 'fastify-plugin';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, RouteOptions } from 'fastify';
import {
  createJsonSchemaTransform,
  createJsonSchemaTransformObject,
} from 'fastify-type-provider-zod';
import { z } from 'zod';
import * as contracts from '@berth/contracts';
import { CSRF_HEADER } from './csrf.js';
import { SESSION_COOKIE, isPublic } from './auth.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A body taken raw (not validated), of this media type: documented as binary. */
    rawBody?: string;
  }
}

/**
 * Every object schema the contracts export is named after its export in components.schemas, so
 * the document refers to "Instance" instead of repeating it. Once per process: the registry is
 * zod's global one (where .describe() keeps descriptions too), and an id can be taken only once.
 */
function nameContractSchemas(): void {
  for (const [name, value] of Object.entries(contracts)) {
    // Agent* shapes are the agent's own interface, which the API does not serve.
    if (!/^[A-Z]/.test(name) || name.startsWith('Agent') || !(value instanceof z.ZodObject))
      continue;
    const meta = z.globalRegistry.get(value);
    if (!meta?.id) z.globalRegistry.add(value, { ...meta, id: name });
  }
}
nameContractSchemas();

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Routes whose work reaches a host's agent, which may be unreachable. */
const AGENT_BACKED = /^\/api\/v1\/(instances|isos|templates|hosts)\b/;
/** Routes changing objects with a state or a unique name. */
const STATEFUL = /^\/api\/v1\/(instances|isos|templates|hosts|users|roles|recording-policies)\b/;

/** Statuses only some routes answer, beside those every route of its kind does. */
const EXTRA: Record<string, number[]> = {
  'POST /api/v1/auth/login': [429],
  'POST /api/v1/instances': [507],
  'POST /api/v1/instances/:id/actions/:action': [507],
  'POST /api/v1/templates/:name/build': [507],
  'POST /api/v1/templates/import': [507],
  'PUT /api/v1/isos/:name': [507],
  'GET /api/v1/instances/:id/console/:kind': [429],
};

const WHY: Record<number, string> = {
  400: 'The request is malformed: a field, parameter or query value is invalid (`issues` names each) or unknown.',
  401: 'No login: no session cookie or API token, or one that expired or was revoked.',
  403: "The caller lacks the route's permission; with a session cookie, also a change without the X-CSRF-Token header or from another origin.",
  404: "No such object, or one outside the caller's grants.",
  409: 'The object is in a state that does not allow it (a running container, a name in use, work in progress on it).',
  413: 'The body is larger than allowed (for ISOs: the size limit or the store quota).',
  429: 'Too many attempts: wait as long as Retry-After says.',
  500: 'The work failed on the host.',
  502: "The host's agent is unreachable, or refused the API's token.",
  503: 'The database cannot be written right now (disk full, read-only); reads keep working.',
  507: 'Not enough free space on the host; the message gives the numbers.',
};

/** The statuses of the codes a task can fail with (validation, not found, state, host, space). */
const TASK_STATUSES = new Set([400, 404, 409, 500, 502, 507]);

interface RouteSchema {
  body?: unknown;
  querystring?: unknown;
  params?: unknown;
  response?: Record<string, unknown>;
  [key: string]: unknown;
}

/** The error statuses a route can answer, from what it declares. */
function errorStatuses(route: RouteOptions, schema: RouteSchema, sync: boolean): number[] {
  const methods = [route.method].flat();
  const mutating = methods.some((m) => MUTATING.has(m));
  const open = isPublic(route.url, route.config);
  const permission = route.config?.permission;
  const found = new Set<number>(EXTRA[`${methods[0]} ${route.url}`] ?? []);
  // A WebSocket's refusals are close codes (see its 101); only the knock limit answers in HTTP.
  if (route.websocket) return [...found];
  const body = schema.body ?? route.config?.rawBody;
  if (body || schema.querystring || route.url.includes('/:')) found.add(400);
  if (!open) found.add(401);
  if (!open && ((permission && permission !== 'self') || mutating)) found.add(403);
  if (route.url.includes('/:')) found.add(404);
  if (mutating && STATEFUL.test(route.url)) found.add(409);
  if (body) found.add(413);
  if (AGENT_BACKED.test(route.url)) found.add(502);
  if (mutating) found.add(503);
  if (sync) found.add(500);
  return [...found].sort();
}

/** Whether the route's querystring has ?sync (a task that may be waited for). */
const takesSync = (querystring: unknown): boolean =>
  querystring instanceof z.ZodObject && 'sync' in querystring.shape;

/**
 * A registered object used as path or query parameters is written inline: parameters are
 * listed one by one, which a reference to a component cannot be.
 */
const inline = (schema: unknown): unknown =>
  schema instanceof z.ZodObject && z.globalRegistry.get(schema)?.id
    ? z.object(schema.shape)
    : schema;

const toJson = createJsonSchemaTransform({ skipList: [] });

type Security = Array<Record<string, string[]>>;
const SESSION: Security = [{ bearer: [] }, { session: [] }];
const SESSION_WITH_CSRF: Security = [{ bearer: [] }, { session: [], csrf: [] }];

/** The console WebSocket as what it is on the wire: a GET that upgrades. */
const WEBSOCKET = {
  querystring: {
    type: 'object',
    properties: {
      ticket: {
        type: 'string',
        description: 'a one-time ticket from POST /api/v1/instances/{id}/console-tickets',
      },
    },
    required: ['ticket'],
  },
  headers: {
    type: 'object',
    properties: {
      upgrade: { type: 'string', enum: ['websocket'] },
      connection: { type: 'string', enum: ['Upgrade'] },
    },
    required: ['upgrade', 'connection'],
  },
  response: {
    101: {
      type: 'null',
      description:
        'Switching Protocols: the socket is open. A refused ticket still upgrades, then closes with 4401/4403/4409/4429 and the reason.',
    },
  },
};

/** For routes that declare no answer shape: binary bodies, event streams, and 204s. */
const UNDECLARED_SUCCESS = {
  '2XX': {
    type: 'null',
    description:
      'Success. A body other than JSON (a PNG, an event stream, an asciicast) is named in the description above; a change without a body answers 204.',
  },
};

type TransformInput = Parameters<typeof toJson>[0] & { route: RouteOptions };

/**
 * Turns a route's zod schemas into the document's and adds what the route declares elsewhere:
 * the error answers it can give (the shared ErrorBody), who may call it (`security: []` for
 * public routes; the permission as x-berth-permission), and the console WebSocket, which
 * @fastify/websocket hides.
 */
function transform(input: TransformInput) {
  const { route } = input;
  const given = (input.schema ?? {}) as RouteSchema;
  const websocket = route.websocket === true;
  const { hide, ...visible } = given;
  if (hide && !websocket) return toJson(input);
  const sync = takesSync(given.querystring);
  const { schema: transformed, url } = toJson({
    ...input,
    schema: {
      ...visible,
      querystring: websocket ? undefined : inline(given.querystring),
      params: inline(given.params),
    },
  } as TransformInput);
  const out = { ...(transformed as RouteSchema) };
  if (websocket) Object.assign(out, WEBSOCKET, { response: { ...WEBSOCKET.response } });
  const raw = route.config?.rawBody;
  if (raw) Object.assign(out, { body: { type: 'string', format: 'binary' }, consumes: [raw] });
  const responses: Record<string, unknown> = { ...(out.response ?? UNDECLARED_SUCCESS) };
  for (const status of errorStatuses(route, given, sync)) {
    responses[status] =
      sync && TASK_STATUSES.has(status)
        ? {
            description: `${WHY[status]} With ?sync=true, also a task that failed with an error of this status: the body is then TaskFailed (the error and the task).`,
            anyOf: [ref('ErrorBody'), ref('TaskFailed')],
          }
        : { description: WHY[status], ...ref('ErrorBody') };
  }
  out.response = responses;
  const open = isPublic(route.url, route.config);
  const mutating = [route.method].flat().some((m) => MUTATING.has(m));
  out.security = open ? [] : mutating ? SESSION_WITH_CSRF : SESSION;
  const permission = route.config?.permission;
  if (permission) out['x-berth-permission'] = permission;
  return { schema: out, url };
}

/** The OpenAPI document at /api/docs/json (and the Swagger UI at /api/docs). */
export const openApi = fp(async (app: FastifyInstance) => {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Berth API',
        version: '0.1.0',
        description:
          "Virtual machines and containers, side by side. Log in with POST /api/v1/auth/login (a session cookie; changes then need the X-CSRF-Token header with the berth_csrf cookie's value) or send an API token as a bearer. Every error is an ErrorBody. Long work answers 202 with a Task (Location: /api/v1/tasks/{id}); ?sync=true waits: 200 when the task succeeded, the status of its error code when it failed.",
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'an API token (berth_…)' },
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
          csrf: {
            type: 'apiKey',
            in: 'header',
            name: CSRF_HEADER,
            description: 'with a session cookie, changes carry the berth_csrf cookie value here',
          },
        },
      },
      security: SESSION,
    },
    transform: transform as never,
    transformObject: createJsonSchemaTransformObject({}),
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', uiConfig: { docExpansion: 'list' } });
});
