import type { FastifyInstance } from 'fastify';
import { AgentLicense, InstallLicense } from '@berth/contracts';
import type { ZodTypeProvider } from '@berth/fastify-kit';
import type { HostLicense } from '../licenses/host-license.js';

export async function licenseRoutes(app: FastifyInstance, { license }: { license: HostLicense }) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/v1/license', { schema: { response: { 200: AgentLicense } } }, () => license.get());

  r.put(
    '/v1/license',
    { schema: { body: InstallLicense, response: { 200: AgentLicense } } },
    (req) => license.install(req.body.license),
  );

  r.delete('/v1/license', async (_req, reply) => {
    await license.remove();
    return reply.status(204).send();
  });
}
