import type { FastifyInstance } from 'fastify';
import { Firewall, FirewallSettings, InstanceRef } from '@berth/contracts';
import type { ZodTypeProvider } from '@berth/fastify-kit';
import type { Firewalls } from '../net/firewall/firewall.js';

/** An instance's firewall: its settings with per-rule counters, and replacing them whole. */
export async function firewallRoutes(
  app: FastifyInstance,
  { firewalls }: { firewalls: Firewalls },
) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/v1/instances/:id/firewall',
    { schema: { params: InstanceRef, response: { 200: Firewall } } },
    async (req) => firewalls.show(req.params.id),
  );

  r.put(
    '/v1/instances/:id/firewall',
    { schema: { params: InstanceRef, body: FirewallSettings, response: { 200: Firewall } } },
    async (req) => firewalls.set(req.params.id, req.body),
  );
}
