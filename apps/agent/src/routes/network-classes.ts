import type { FastifyInstance } from 'fastify';
import { ClassCounterList, NetworkClasses } from '@berth/contracts';
import type { ZodTypeProvider } from '@berth/fastify-kit';
import type { Firewalls } from '../net/firewall/firewall.js';

/** Network classes (ordered, replaced whole) and every instance's traffic counted by class. */
export async function networkClassRoutes(
  app: FastifyInstance,
  { firewalls }: { firewalls: Firewalls },
) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/v1/network-classes', { schema: { response: { 200: NetworkClasses } } }, async () =>
    firewalls.showClasses(),
  );

  r.put(
    '/v1/network-classes',
    { schema: { body: NetworkClasses, response: { 200: NetworkClasses } } },
    async (req) => firewalls.setClasses(req.body),
  );

  r.get(
    '/v1/network-classes/counters',
    { schema: { response: { 200: ClassCounterList } } },
    async () => firewalls.classCounters(),
  );
}
