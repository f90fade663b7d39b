import Fastify, { type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import type { PrismaClient } from '@berth/db';
import { installErrorHandler, useZod } from '@berth/fastify-kit';
import { Hosts } from './agents/hosts.js';
import { auditPlugin } from './audit/audit-hook.js';
import { Audit } from './audit/audit.service.js';
import { Auth } from './auth/auth.service.js';
import { authPlugin } from './auth/plugin.js';
import type { ApiConfig } from './config.js';
import { ApiEvents } from './events.js';
import { authRoutes } from './modules/auth.routes.js';
import { InstancesService } from './modules/instances/instances.service.js';
import { instanceRoutes } from './modules/instances/instances.routes.js';
import { mediaRoutes } from './modules/media.routes.js';
import { systemRoutes } from './modules/system.routes.js';
import { Tasks } from './tasks/tasks.service.js';

export interface Api {
  app: FastifyInstance;
  auth: Auth;
  /** Set when this start created the first admin. */
  firstAdmin: { username: string; password: string } | null;
}

/** Builds the API (without listening): plugins, then services, then routes. */
export async function buildApi(
  config: ApiConfig,
  db: PrismaClient,
  opts: { logger?: boolean } = {},
): Promise<Api> {
  // forceCloseConnections: open event streams must not hold up a shutdown.
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: 2 * 1024 * 1024,
    trustProxy: true,
    forceCloseConnections: true,
  });
  useZod(app);
  installErrorHandler(app);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Berth API',
        version: '0.1.0',
        description: 'Virtual machines and containers, side by side.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          session: { type: 'apiKey', in: 'cookie', name: 'berth_session' },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', uiConfig: { docExpansion: 'list' } });

  const events = new ApiEvents();
  const audit = new Audit(db);
  const auth = new Auth(db, config.sessionHours);
  const hosts = new Hosts(db, events, (msg) => app.log.warn(msg));
  const tasks = new Tasks(db, hosts, events, audit);
  const instances = new InstancesService(hosts, tasks);

  await app.register(cookie);
  await app.register(authPlugin, { auth });
  await app.register(auditPlugin, { audit, db });
  await app.register(authRoutes, { auth, config });
  await app.register(systemRoutes, { hosts, tasks, audit, events });
  await app.register(instanceRoutes, { instances, tasks });
  await app.register(mediaRoutes, { hosts, instances });

  await hosts.init(config.localAgent);
  await tasks.reconcile();
  app.addHook('onClose', async () => hosts.close());
  const firstAdmin = await auth.ensureFirstAdmin(config.initialAdminPassword);
  return { app, auth, firstAdmin };
}
