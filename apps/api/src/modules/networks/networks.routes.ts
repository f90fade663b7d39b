import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  CreateNetwork,
  CreateVlan,
  HostAdapter,
  HostAdapterList,
  Instance,
  InstanceRef,
  Network,
  NetworkList,
  NetworkRef,
  SetInstanceNetwork,
  UpdateNetwork,
} from '@berth/contracts';
import type { ZodTypeProvider } from '@berth/fastify-kit';
import type { NetworksService } from './networks.service.js';

const HostQuery = z.object({
  hostId: z.string().optional().describe('defaults to the local host'),
});
const tags = ['networks'];

/** A host's virtual networks (bridge, NAT, DHCP) and its adapters. */
export async function networkRoutes(
  app: FastifyInstance,
  { networks }: { networks: NetworksService },
) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/api/v1/networks',
    {
      config: { permission: 'host.view' },
      schema: {
        tags,
        description:
          "The host's virtual networks: bridge, gateway/subnet, NAT, DHCP range, MTU, and the instances on each with their addresses.",
        querystring: HostQuery,
        response: { 200: NetworkList },
      },
    },
    async (req) => networks.list(req.query.hostId),
  );

  r.get(
    '/api/v1/networks/:network',
    {
      config: { permission: 'host.view' },
      schema: {
        tags,
        description: 'One network with the instances on it and their addresses.',
        params: NetworkRef,
        querystring: HostQuery,
        response: { 200: Network },
      },
    },
    async (req) => networks.show(req.params.network, req.query.hostId),
  );

  r.post(
    '/api/v1/networks',
    {
      config: { permission: 'host.manage' },
      schema: {
        tags,
        description:
          'Create a network: a bridge with the host at the given gateway address, NAT to the outside (nftables masquerade) and DHCP (dnsmasq) when asked. 409 on a name, bridge or overlapping subnet in use.',
        querystring: HostQuery,
        body: CreateNetwork,
        response: { 201: Network },
      },
    },
    async (req, reply) => {
      req.auditNote = {
        action: 'network.create',
        targetType: 'network',
        targetId: req.body.name,
        detail: { ...req.body },
      };
      return reply.status(201).send(await networks.create(req.body, req.query.hostId));
    },
  );

  r.patch(
    '/api/v1/networks/:network',
    {
      config: { permission: 'host.manage' },
      schema: {
        tags,
        description:
          'Change MTU, NAT, the DHCP range or (while no instance uses it) the subnet; applied at once. 409 naming the instances when the subnet is in use or the new DHCP range holds their addresses.',
        params: NetworkRef,
        querystring: HostQuery,
        body: UpdateNetwork,
        response: { 200: Network },
      },
    },
    async (req) => {
      req.auditNote = {
        action: 'network.update',
        targetType: 'network',
        targetId: req.params.network,
        detail: { ...req.body },
      };
      return networks.update(req.params.network, req.body, req.query.hostId);
    },
  );

  r.delete(
    '/api/v1/networks/:network',
    {
      config: { permission: 'host.manage' },
      schema: {
        tags,
        description:
          'Delete a network (its bridge, NAT table and dnsmasq). 409 naming the instances on it, and for `default`.',
        params: NetworkRef,
        querystring: HostQuery,
      },
    },
    async (req, reply) => {
      req.auditNote = {
        action: 'network.delete',
        targetType: 'network',
        targetId: req.params.network,
      };
      await networks.delete(req.params.network, req.query.hostId);
      return reply.status(204).send();
    },
  );

  r.put(
    '/api/v1/instances/:id/network',
    {
      config: { permission: 'instance.configure' },
      schema: {
        tags: ['instances'],
        description:
          "Move a stopped instance's (first) adapter to another network: a container gets an address there (the one asked for, else the next free one; 409 when outside the subnet or in use), a VM's tap joins that bridge at its next boot. For a VM, `ipv4` is a static DHCP lease (its MAC always gets that address; 400 inside the DHCP range, 409 outside the subnet or in use) and may be set or cleared (omitted) on its own network while it runs: the guest takes it at its next DHCP request.",
        params: InstanceRef,
        body: SetInstanceNetwork,
        response: { 200: Instance },
      },
    },
    async (req) => {
      req.auditNote = {
        action: 'instance.network',
        targetType: 'instance',
        targetId: req.params.id,
        detail: { ...req.body },
      };
      return networks.setInstanceNetwork(req.params.id, req.body);
    },
  );

  r.get(
    '/api/v1/host/adapters',
    {
      config: { permission: 'host.view' },
      schema: {
        tags,
        description:
          "The host's network adapters: kind, state, MTU, MAC, addresses, speed and byte counters (read-only, from iproute2).",
        querystring: HostQuery,
        response: { 200: HostAdapterList },
      },
    },
    async (req) => networks.adapters(req.query.hostId),
  );

  r.post(
    '/api/v1/host/vlans',
    {
      config: { permission: 'host.manage' },
      schema: {
        tags,
        description:
          'Create an 802.1Q adapter <parent>.<vlanId>. 409 (unsupported) when the kernel has no 802.1Q.',
        querystring: HostQuery,
        body: CreateVlan,
        response: { 201: HostAdapter },
      },
    },
    async (req, reply) => {
      req.auditNote = {
        action: 'host.vlan.create',
        targetType: 'host',
        targetId: `${req.body.parent}.${req.body.vlanId}`,
        detail: { ...req.body },
      };
      return reply.status(201).send(await networks.createVlan(req.body, req.query.hostId));
    },
  );
}
