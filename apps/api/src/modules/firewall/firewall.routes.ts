import type { FastifyInstance } from 'fastify';
import { Firewall, FirewallSettings, InstanceRef } from '@berth/contracts';
import type { ZodTypeProvider } from '@berth/fastify-kit';
import type { Hosts } from '../hosts/hosts.service.js';

/**
 * An instance's firewall, read and replaced whole. Changing it is instance.configure, the
 * spoofing switch included: it concerns one instance's adapter, like moving it to a network.
 */
export async function firewallRoutes(app: FastifyInstance, { hosts }: { hosts: Hosts }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['instances'];
  const agentOf = async (id: string) => {
    const instance = await hosts.findInstance(id);
    return { id: instance.id, agent: hosts.client(instance.hostId as string) };
  };

  r.get(
    '/api/v1/instances/:id/firewall',
    {
      config: { permission: 'instance.view' },
      schema: {
        tags,
        description:
          "An instance's firewall: ordered rules (first match decides), default policy per direction, MAC/IP spoofing protection, and each rule's packet and byte counters.",
        params: InstanceRef,
        response: { 200: Firewall },
      },
    },
    async (req) => {
      const { id, agent } = await agentOf(req.params.id);
      return agent.firewall(id);
    },
  );

  r.put(
    '/api/v1/instances/:id/firewall',
    {
      config: { permission: 'instance.configure' },
      schema: {
        tags,
        description:
          "Replace an instance's firewall whole; the agent loads it in one nft transaction. A VM's rules cover each of its adapters.",
        params: InstanceRef,
        body: FirewallSettings,
        response: { 200: Firewall },
      },
    },
    async (req) => {
      const { id, agent } = await agentOf(req.params.id);
      const before = await agent.firewall(id);
      const after = await agent.setFirewall(id, req.body);
      req.auditNote = {
        action: 'instance.firewall',
        targetType: 'instance',
        targetId: id,
        detail: {
          before: {
            enabled: before.enabled,
            policy: before.policy,
            antiSpoofing: before.antiSpoofing,
            rules: before.rules,
          },
          after: req.body,
        },
      };
      return after;
    },
  );
}
