import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  AdapterMetricsQuery,
  AdapterSeries,
  InstanceRef,
  InstancesNow,
  MetricField,
  MetricSeries,
  MetricsQuery,
  TopInstances,
  type MetricsRange,
} from '@berth/contracts';
import type { ZodTypeProvider } from '@berth/fastify-kit';
import type { Registry } from 'prom-client';
import { requirePermission } from '../../plugins/auth.js';
import type { Hosts } from '../hosts/hosts.service.js';
import type { MetricsPuller } from './puller.js';
import type { MetricsStore } from './store.js';
import { RANGES, hostSubject } from './tiers.js';

const HostParams = z.strictObject({ hostId: z.string().min(1).max(64) });
const TOP = 10;

export async function monitoringRoutes(
  app: FastifyInstance,
  {
    hosts,
    store,
    puller,
    registry,
  }: { hosts: Hosts; store: MetricsStore; puller: MetricsPuller; registry: Registry },
) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['monitoring'];
  const series = async (subject: string, range: MetricsRange, fields?: MetricField[]) => {
    const { step, spanMs } = RANGES[range];
    const found = (await store.series([subject], step, Date.now() - spanMs, fields)).get(subject);
    const empty = Object.fromEntries((fields ?? MetricField.options).map((f) => [f, []]));
    return { subject, range, stepSeconds: step, ...(found ?? { t: [], values: empty }) };
  };

  r.get(
    '/api/v1/instances/:id/metrics',
    {
      config: { permission: 'instance.view' },
      schema: {
        tags,
        description:
          "An instance's usage over a range as columns (t and one array per field; `fields` picks them): 1h at 5 s, 1d at 1 min, 1w and 1m at 10 min, 1y at 1 h. Counters are per second; each point of a coarser step is the average of the 5 s samples it covers (cpuMaxPct their highest CPU).",
        params: InstanceRef,
        querystring: MetricsQuery,
        response: { 200: MetricSeries },
      },
    },
    async (req) => {
      const found = await series(req.params.id, req.query.range, req.query.fields);
      // Rows of the id say it is (or was) an instance; only without any is its host asked,
      // which answers 404 for an id no host knows.
      if (found.t.length === 0) await hosts.findInstance(req.params.id);
      return found;
    },
  );

  const adapterSeries = async (subject: string, range: MetricsRange) => {
    const { step, spanMs } = RANGES[range];
    const adapters = await store.adapterSeries(subject, step, Date.now() - spanMs);
    return { subject, range, stepSeconds: step, adapters };
  };

  r.get(
    '/api/v1/instances/:id/metrics/adapters',
    {
      config: { permission: 'instance.view' },
      schema: {
        tags,
        description:
          "An instance's network traffic per adapter (a container's eth0, a VM's net0, net1… by NIC index), in the steps of its metrics: one set of columns (t, rxBps, txBps, rxPps, txPps) per adapter.",
        params: InstanceRef,
        querystring: AdapterMetricsQuery,
        response: { 200: AdapterSeries },
      },
    },
    async (req) => {
      const found = await adapterSeries(req.params.id, req.query.range);
      if (found.adapters.length === 0) await hosts.findInstance(req.params.id);
      return found;
    },
  );

  r.get(
    '/api/v1/hosts/:hostId/metrics/adapters',
    {
      config: { permission: 'host.view' },
      schema: {
        tags,
        description: "A host's traffic per physical network adapter, as an instance's.",
        params: HostParams,
        querystring: AdapterMetricsQuery,
        response: { 200: AdapterSeries },
      },
    },
    async (req) => {
      hosts.client(req.params.hostId); // an unknown host is a 404
      return adapterSeries(hostSubject(req.params.hostId), req.query.range);
    },
  );

  r.get(
    '/api/v1/hosts/:hostId/metrics',
    {
      config: { permission: 'host.view' },
      schema: {
        tags,
        description: "A host's usage over a range, in the same steps as an instance's.",
        params: HostParams,
        querystring: MetricsQuery,
        response: { 200: MetricSeries },
      },
    },
    async (req) => {
      hosts.client(req.params.hostId); // an unknown host is a 404
      return series(hostSubject(req.params.hostId), req.query.range, req.query.fields);
    },
  );

  r.get(
    '/api/v1/metrics/top',
    {
      config: { permission: 'host.view' },
      schema: {
        tags,
        description: 'The ten running instances using the most CPU and the most memory now.',
        response: { 200: TopInstances },
      },
    },
    async () => {
      const now = puller.latest().filter((l) => l.sample.kind !== 'host');
      const top = (value: (l: (typeof now)[number]) => number) =>
        now
          .map((l) => ({
            id: l.sample.subject,
            name: l.sample.name,
            kind: l.sample.kind,
            value: value(l),
          }))
          .sort((a, b) => b.value - a.value)
          .slice(0, TOP);
      return { byCpu: top((l) => l.sample.cpuPct), byMemory: top((l) => l.sample.memBytes) };
    },
  );

  r.get(
    '/api/v1/metrics/now',
    {
      config: { permission: 'host.view' },
      schema: {
        tags,
        description:
          "Every running instance's newest sample (CPU, memory and their limits), for an overview of hundreds of instances at once.",
        response: { 200: InstancesNow },
      },
    },
    async () => ({
      items: puller
        .latest()
        .filter((l) => l.sample.kind !== 'host')
        .map(({ hostId, sample: s }) => ({
          id: s.subject,
          name: s.name,
          kind: s.kind,
          hostId,
          cpuPct: s.cpuPct,
          cpuCapPct: s.cpuCapPct,
          memBytes: s.memBytes,
          memLimitBytes: s.memLimitBytes,
        })),
    }),
  );

  // Outside /api/ (where Prometheus looks), so the auth hook counts it public: it checks the
  // bearer token's permission itself.
  r.get(
    '/metrics',
    {
      config: { permission: 'host.view' },
      schema: { tags, description: 'Prometheus text format; a bearer API token with host.view.' },
    },
    async (req, reply) => {
      requirePermission(req, 'host.view');
      return reply.type(registry.contentType).send(await registry.metrics());
    },
  );
}
