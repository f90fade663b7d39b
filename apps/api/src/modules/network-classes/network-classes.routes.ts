import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  InstanceRef,
  InstanceTraffic,
  NetworkClasses,
  OTHER_CLASS,
  TrafficQuery,
} from '@berth/contracts';
import type { ZodTypeProvider } from '@berth/fastify-kit';
import type { Hosts } from '../hosts/hosts.service.js';
import { RANGES } from '../monitoring/tiers.js';
import type { ClassTrafficRecorder } from './class-traffic.js';

const HostQuery = z
  .object({ hostId: z.string().optional().describe('defaults to the local host') })
  .strict();

/**
 * Network classes are the host's, like its networks and address sets: host.view to read,
 * host.manage to change. An instance's traffic by class is read like its metrics.
 */
export async function networkClassRoutes(
  app: FastifyInstance,
  { hosts, recorder }: { hosts: Hosts; recorder: ClassTrafficRecorder },
) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/api/v1/network-classes',
    {
      config: { permission: 'host.view' },
      schema: {
        tags: ['networks'],
        description: `The host's network classes in order (Parallels Server's word): named sets of IPv4 ranges. Each instance's traffic is counted in the first class that holds the other end's address; what none holds counts as \`${OTHER_CLASS}\`. None by default: all traffic is \`${OTHER_CLASS}\` until classes are set.`,
        querystring: HostQuery,
        response: { 200: NetworkClasses },
      },
    },
    async (req) => hosts.pick(req.query.hostId).client.networkClasses(),
  );

  r.put(
    '/api/v1/network-classes',
    {
      config: { permission: 'host.manage' },
      schema: {
        tags: ['networks'],
        description:
          "Replace the host's network classes whole. Every instance's table is re-made with the new counters, which start from zero.",
        querystring: HostQuery,
        body: NetworkClasses,
        response: { 200: NetworkClasses },
      },
    },
    async (req) => {
      const { hostId, client } = hosts.pick(req.query.hostId);
      const before = await client.networkClasses();
      const after = await client.setNetworkClasses(req.body);
      req.auditNote = {
        action: 'network-classes.set',
        targetType: 'host',
        targetId: hostId,
        detail: { before, after: req.body },
      };
      return after;
    },
  );

  r.get(
    '/api/v1/instances/:id/traffic',
    {
      config: { permission: 'instance.view' },
      schema: {
        tags: ['instances'],
        description: `An instance's traffic by network class and direction: \`live\`: IP bytes and packets (Ethernet headers not counted) since its firewall table was last made (its start, an agent start or a class change), counted before its firewall rules. \`history\`: bytes per class over the range, read every 30 s and stored in the range's tier (bytes per point, summed). \`out\` is what it sent, \`in\` what it got; \`${OTHER_CLASS}\` is what no class covers. IPv4 and IPv6 (a class's IPv6 ranges), bridged and host-routed adapters alike.`,
        params: InstanceRef,
        querystring: TrafficQuery,
        response: { 200: InstanceTraffic },
      },
    },
    async (req) => {
      const instance = await hosts.findInstance(req.params.id);
      const all = await hosts.client(instance.hostId as string).classCounters();
      const { step, spanMs } = RANGES[req.query.range];
      return {
        live: all.items.find((i) => i.instanceId === instance.id) ?? null,
        range: req.query.range,
        step,
        history: await recorder.totals(instance.id, step, Date.now() - spanMs),
      };
    },
  );
}
