import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
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
import type { Hosts } from '../hosts/hosts.service.js';

const HostQuery = z.object({
  hostId: z.string().optional().describe('defaults to the local host'),
});

/**
 * An instance's firewall, read and replaced whole. Changing it is instance.configure, the
 * spoofing switch included: it concerns one instance's adapter, like moving it to a network.
 * A network's rules and the address sets are the host's, like its networks: host.view to read,
 * host.manage to change.
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
          "Replace an instance's firewall whole; the agent loads it in one nft transaction. A VM's rules cover each of its adapters; a host-routed container's are in its inet table. `reject` answers at once: a TCP reset, else ICMP port unreachable.",
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

  r.get(
    '/api/v1/networks/:network/firewall',
    {
      config: { permission: 'host.view' },
      schema: {
        tags: ['networks'],
        description:
          "A network's firewall rules, checked in the table of every instance on it before the instance's own rules (the first match decides), with each rule's counters summed over those tables.",
        params: NetworkRef,
        querystring: HostQuery,
        response: { 200: NetworkFirewall },
      },
    },
    async (req) => hosts.pick(req.query.hostId).client.networkFirewall(req.params.network),
  );

  r.put(
    '/api/v1/networks/:network/firewall',
    {
      config: { permission: 'host.manage' },
      schema: {
        tags: ['networks'],
        description:
          "Replace a network's rules whole; each instance on it gets its table re-made (one nft transaction each). Rules may name address sets as `@name` (400 naming the rule when there is none).",
        params: NetworkRef,
        querystring: HostQuery,
        body: NetworkFirewallSettings,
        response: { 200: NetworkFirewall },
      },
    },
    async (req) => {
      const agent = hosts.pick(req.query.hostId).client;
      const before = await agent.networkFirewall(req.params.network);
      const after = await agent.setNetworkFirewall(req.params.network, req.body);
      req.auditNote = {
        action: 'network.firewall',
        targetType: 'network',
        targetId: req.params.network,
        detail: {
          before: { enabled: before.enabled, rules: before.rules },
          after: req.body,
        },
      };
      return after;
    },
  );

  const setTags = ['firewall'];
  r.get(
    '/api/v1/firewall/sets',
    {
      config: { permission: 'host.view' },
      schema: {
        tags: setTags,
        description:
          'Named address sets (IPv4 and IPv6 addresses and networks) that firewall rules name as `@name`, with the instances and networks whose rules use each.',
        querystring: HostQuery,
        response: { 200: FirewallSetList },
      },
    },
    async (req) => hosts.pick(req.query.hostId).client.firewallSets(),
  );

  r.get(
    '/api/v1/firewall/sets/:set',
    {
      config: { permission: 'host.view' },
      schema: {
        tags: setTags,
        description: 'One address set and who uses it.',
        params: FirewallSetRef,
        querystring: HostQuery,
        response: { 200: FirewallSet },
      },
    },
    async (req) => hosts.pick(req.query.hostId).client.firewallSet(req.params.set),
  );

  r.post(
    '/api/v1/firewall/sets',
    {
      config: { permission: 'host.manage' },
      schema: {
        tags: setTags,
        description: 'Create an address set. 409 when the name is taken.',
        querystring: HostQuery,
        body: CreateFirewallSet,
        response: { 201: FirewallSet },
      },
    },
    async (req, reply) => {
      req.auditNote = {
        action: 'firewall.set.create',
        targetType: 'firewall-set',
        targetId: req.body.name,
        detail: { ...req.body },
      };
      const created = await hosts.pick(req.query.hostId).client.createFirewallSet(req.body);
      return reply.status(201).send(created);
    },
  );

  r.put(
    '/api/v1/firewall/sets/:set',
    {
      config: { permission: 'host.manage' },
      schema: {
        tags: setTags,
        description:
          "Replace an address set's addresses; every instance table that holds it is re-made (one nft transaction each).",
        params: FirewallSetRef,
        querystring: HostQuery,
        body: FirewallSetBody,
        response: { 200: FirewallSet },
      },
    },
    async (req) => {
      const agent = hosts.pick(req.query.hostId).client;
      const before = await agent.firewallSet(req.params.set);
      const after = await agent.updateFirewallSet(req.params.set, req.body);
      req.auditNote = {
        action: 'firewall.set.update',
        targetType: 'firewall-set',
        targetId: req.params.set,
        detail: {
          before: { addresses: before.addresses, comment: before.comment },
          after: req.body,
        },
      };
      return after;
    },
  );

  r.delete(
    '/api/v1/firewall/sets/:set',
    {
      config: { permission: 'host.manage' },
      schema: {
        tags: setTags,
        description:
          'Delete an address set. 409 naming the instances and networks whose rules use it.',
        params: FirewallSetRef,
        querystring: HostQuery,
      },
    },
    async (req, reply) => {
      req.auditNote = {
        action: 'firewall.set.delete',
        targetType: 'firewall-set',
        targetId: req.params.set,
      };
      await hosts.pick(req.query.hostId).client.deleteFirewallSet(req.params.set);
      return reply.status(204).send();
    },
  );
}
