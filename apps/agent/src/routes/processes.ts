import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  InstanceRef,
  PidOwner,
  PidParam,
  ProcessList,
  ProcessRef,
  ServiceAction,
  ServiceBootRequest,
  ServiceInfo,
  ServiceList,
  ServiceRef,
  SignalRequest,
} from '@berth/contracts';
import { type ZodTypeProvider } from '@berth/fastify-kit';
import type { Processes } from '../processes/processes.js';
import type { Services } from '../services/services.js';

/** Processes and services inside instances, and which instance a host pid belongs to. */
export async function processRoutes(
  app: FastifyInstance,
  { processes, services }: { processes: Processes; services: Services },
) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/v1/instances/:id/processes',
    { schema: { params: InstanceRef, response: { 200: ProcessList } } },
    async (req) => processes.list(req.params.id),
  );

  r.post(
    '/v1/instances/:id/processes/:pid/signal',
    { schema: { params: ProcessRef, body: SignalRequest } },
    async (req, reply) => {
      await processes.signal(req.params.id, req.params.pid, req.body.signal);
      return reply.status(204).send();
    },
  );

  r.get(
    '/v1/pids/:pid/owner',
    { schema: { params: z.strictObject({ pid: PidParam }), response: { 200: PidOwner } } },
    async (req) => processes.owner(req.params.pid),
  );

  r.get(
    '/v1/instances/:id/services',
    { schema: { params: InstanceRef, response: { 200: ServiceList } } },
    async (req) => services.list(req.params.id),
  );

  r.post(
    '/v1/instances/:id/services/:name/actions/:action',
    {
      schema: {
        params: ServiceRef.extend({ action: ServiceAction }),
        response: { 200: ServiceInfo },
      },
    },
    async (req) => services.act(req.params.id, req.params.name, req.params.action),
  );

  r.put(
    '/v1/instances/:id/services/:name/boot',
    { schema: { params: ServiceRef, body: ServiceBootRequest, response: { 200: ServiceInfo } } },
    async (req) => services.setBoot(req.params.id, req.params.name, req.body.enabled),
  );
}
