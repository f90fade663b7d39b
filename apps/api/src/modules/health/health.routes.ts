import type { FastifyInstance } from 'fastify';

/** For load balancers and start scripts: answers as soon as the API listens, with no login. */
export async function healthRoutes(app: FastifyInstance) {
  app.get('/api/health', { config: { public: true }, schema: { tags: ['system'] } }, async () => ({
    ok: true,
  }));
}
