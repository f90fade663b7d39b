import Fastify, { type FastifyInstance } from 'fastify';
import { existsSync } from 'node:fs';
import path from 'node:path';
import compress from '@fastify/compress';
import cookie from '@fastify/cookie';
import websocket from '@fastify/websocket';
import fastifyStatic from '@fastify/static';
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
import { ShareLinks } from './consoles/share-links.service.js';
import { ConsoleTickets } from './consoles/tickets.service.js';
import { authRoutes } from './modules/auth.routes.js';
import { consoleRoutes } from './modules/consoles.routes.js';
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
  const webDir =
    config.webDir && existsSync(path.join(config.webDir, 'index.html')) ? config.webDir : null;
  // Unknown pages get the UI's own 404 page; API paths keep their JSON errors.
  installErrorHandler(app, {
    pageNotFound: webDir ? (_req, reply) => reply.status(404).sendFile('404.html') : undefined,
  });

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

  // Compressed answers (the web UI's JS most of all); event streams are hijacked and stay raw.
  await app.register(compress, { global: true, threshold: 1024 });
  if (webDir) {
    await app.register(fastifyStatic, {
      root: webDir,
      prefix: '/',
      redirect: true,
      index: 'index.html',
      // Hashed build assets never change; pages must be revalidated so a new build shows at once.
      setHeaders: (res, file) =>
        res.setHeader(
          'cache-control',
          file.includes(`${path.sep}_next${path.sep}static${path.sep}`)
            ? 'public, max-age=31536000, immutable'
            : 'no-cache',
        ),
    });
  }

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
  await app.register(websocket, { options: { maxPayload: 1024 * 1024 } });
  await app.register(consoleRoutes, {
    hosts,
    auth,
    audit,
    tickets: new ConsoleTickets(db),
    shareLinks: new ShareLinks(db),
    allowedOrigins: config.allowedOrigins,
  });

  await hosts.init(config.localAgent);
  app.addHook('onClose', async () => hosts.close());
  const firstAdmin = await auth.ensureFirstAdmin(config.initialAdminPassword);
  return { app, auth, firstAdmin };
}
