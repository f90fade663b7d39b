import { timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { ErrorCode } from '@berth/contracts';
import { errorBody, installErrorHandler, useZod } from '@berth/fastify-kit';
import type { AgentConfig } from './config.js';
import { EventBus } from './events.js';
import { Containers } from './instances/containers.js';
import { ensureBridge } from './net/bridge.js';
import { Operations } from './operations.js';
import { instanceRoutes } from './routes/instances.js';
import { systemRoutes } from './routes/system.js';
import { Templates } from './templates/templates.js';

function tokenMatches(header: string | undefined, token: string): boolean {
  const presented = Buffer.from(header?.startsWith('Bearer ') ? header.slice(7) : '');
  const expected = Buffer.from(token);
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}

/** Builds the agent (without listening), after preparing the host: bridge, rediscovery. */
export async function buildAgent(
  config: AgentConfig,
  opts: { logger?: boolean } = {},
): Promise<FastifyInstance> {
  // forceCloseConnections: open event streams must not hold up a shutdown.
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: 2 * 1024 * 1024,
    forceCloseConnections: true,
  });
  useZod(app);
  installErrorHandler(app);

  // Every request needs the agent token: the agent runs as root.
  app.addHook('onRequest', async (req, reply) => {
    if (!tokenMatches(req.headers.authorization, config.token)) {
      return reply
        .status(401)
        .send(errorBody(ErrorCode.unauthorized, 'missing or wrong agent token'));
    }
  });

  const log = (msg: string) => app.log.warn(msg);
  await ensureBridge(config.bridge, config.bridgeCidr, log);
  const events = new EventBus();
  const operations = new Operations(events);
  const templates = new Templates(config.templateDir);
  const containers = new Containers(config, templates, operations, events, (msg) =>
    app.log.info(msg),
  );
  await containers.init();
  app.addHook('onClose', async () => containers.close());

  await app.register(systemRoutes, { config, templates, operations, events });
  await app.register(instanceRoutes, { containers });
  return app;
}
