import type { FastifyInstance } from 'fastify';
import {
  CreateFirewallSet,
  Firewall,
  FirewallSet,
  FirewallSetBody,
  FirewallSetList,
  FirewallSetRef,
  FirewallSettings,
  InstanceRef,
  NetworkFirewall,
  NetworkFirewallSettings,
  NetworkRef,
} from '@berth/contracts';
import type { ZodTypeProvider } from '@berth/fastify-kit';
import type { Firewalls } from '../net/firewall/firewall.js';

/**
 * Firewalls: an instance's settings with per-rule counters, a network's rules (checked before
 * its instances' own), and the named address sets rules may use; each replaced whole.
 */
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

  r.get(
    '/v1/networks/:network/firewall',
    { schema: { params: NetworkRef, response: { 200: NetworkFirewall } } },
    async (req) => firewalls.showNetwork(req.params.network),
  );

  r.put(
    '/v1/networks/:network/firewall',
    {
      schema: {
        params: NetworkRef,
        body: NetworkFirewallSettings,
        response: { 200: NetworkFirewall },
      },
    },
    async (req) => firewalls.setNetwork(req.params.network, req.body),
  );

  r.get('/v1/firewall/sets', { schema: { response: { 200: FirewallSetList } } }, async () => ({
    items: await firewalls.listSets(),
  }));

  r.get(
    '/v1/firewall/sets/:set',
    { schema: { params: FirewallSetRef, response: { 200: FirewallSet } } },
    async (req) => firewalls.showSet(req.params.set),
  );

  r.post(
    '/v1/firewall/sets',
    { schema: { body: CreateFirewallSet, response: { 201: FirewallSet } } },
    async (req, reply) => reply.status(201).send(await firewalls.createSet(req.body)),
  );

  r.put(
    '/v1/firewall/sets/:set',
    { schema: { params: FirewallSetRef, body: FirewallSetBody, response: { 200: FirewallSet } } },
    async (req) => firewalls.updateSet(req.params.set, req.body),
  );

  r.delete('/v1/firewall/sets/:set', { schema: { params: FirewallSetRef } }, async (req, reply) => {
    await firewalls.deleteSet(req.params.set);
    return reply.status(204).send();
  });
}
