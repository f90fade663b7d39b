import type { FastifyInstance } from 'fastify';
import { AgentSamples, SamplesQuery } from '@berth/contracts';
import type { ZodTypeProvider } from '@berth/fastify-kit';
import type { Sampler } from '../monitoring/sampler.js';

/** Usage samples of the host and its running instances, from the last hour kept in memory. */
export async function sampleRoutes(app: FastifyInstance, { sampler }: { sampler: Sampler | null }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/v1/samples',
    { schema: { querystring: SamplesQuery, response: { 200: AgentSamples } } },
    // With sampling switched off (BERTH_AGENT_SAMPLING=off) there is simply nothing to pull.
    async (req) => sampler?.since(req.query.since) ?? { intervalMs: 0, items: [] },
  );
}
