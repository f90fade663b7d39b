import type { FastifyInstance } from 'fastify';
import { AgentDiagnostics } from '@berth/contracts';
import type { ZodTypeProvider } from '@berth/fastify-kit';
import type { AgentConfig } from '../config.js';
import { diagnostics } from '../diagnostics/diagnostics.js';

export async function diagnosticRoutes(app: FastifyInstance, { config }: { config: AgentConfig }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get('/v1/diagnostics', { schema: { response: { 200: AgentDiagnostics } } }, async () => ({
    items: await diagnostics(config),
  }));
}
