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
import type { ZodTypeProvider } from '@berth/fastify-kit';
import { principalOf } from '../../plugins/auth.js';
import type { ProcessesService } from './processes.service.js';

const OwnerParams = z.strictObject({ hostId: z.string().min(1).max(64), pid: PidParam });

export async function processRoutes(
  app: FastifyInstance,
  { processes }: { processes: ProcessesService },
) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['processes'];

  r.get(
    '/api/v1/instances/:id/processes',
    {
      config: { permission: 'instance.view' },
      schema: {
        tags,
        description:
          "The processes inside a running instance. A container's are read from the host (its cgroup and /proc): pid inside and on the host, user inside, state, CPU % since the previous listing (over each process's lifetime on the first), RSS, start time, command line. A VM's come from `ps` through its guest agent; without one the answer is guest_agent_unavailable.",
        params: InstanceRef,
        response: { 200: ProcessList },
      },
    },
    async (req) => processes.list(req.params.id),
  );

  r.post(
    '/api/v1/instances/:id/processes/:pid/signal',
    {
      config: { permission: 'instance.power' },
      schema: {
        tags,
        description:
          "Send a signal to one process: a container's by its host pid (checked to be in the container right before the kill; 404 otherwise), a VM's by its guest pid.",
        params: ProcessRef,
        body: SignalRequest,
      },
    },
    async (req, reply) => {
      req.auditNote = {
        action: 'process.signal',
        targetType: 'instance',
        targetId: req.params.id,
        detail: { pid: req.params.pid, signal: req.body.signal },
      };
      await processes.signal(req.params.id, req.params.pid, req.body.signal, req.auditNote);
      return reply.status(204).send();
    },
  );

  r.get(
    '/api/v1/hosts/:hostId/pids/:pid/owner',
    {
      config: { permission: 'host.view' },
      schema: {
        tags,
        description:
          "Which instance a host process (or thread) belongs to: a container by its cgroup, a VM by its QEMU's pidfile. 404 when it is none of them, or one the caller may not see.",
        params: OwnerParams,
        response: { 200: PidOwner },
      },
    },
    async (req) => processes.owner(principalOf(req), req.params.hostId, req.params.pid),
  );

  r.get(
    '/api/v1/instances/:id/services',
    {
      config: { permission: 'instance.view' },
      schema: {
        tags,
        description:
          'Services inside a running container: systemd units (state and unit file state), or the scripts of /etc/init.d where init is not systemd.',
        params: InstanceRef,
        response: { 200: ServiceList },
      },
    },
    async (req) => processes.services(req.params.id),
  );

  r.post(
    '/api/v1/instances/:id/services/:name/actions/:action',
    {
      config: { permission: 'instance.power' },
      schema: {
        tags,
        description:
          'Start, stop or restart a service inside a container; answers its state after.',
        params: ServiceRef.extend({ action: ServiceAction }),
        response: { 200: ServiceInfo },
      },
    },
    async (req) => {
      req.auditNote = {
        action: `service.${req.params.action}`,
        targetType: 'instance',
        targetId: req.params.id,
        detail: { service: req.params.name },
      };
      return processes.serviceAction(
        req.params.id,
        req.params.name,
        { action: req.params.action },
        req.auditNote,
      );
    },
  );

  r.put(
    '/api/v1/instances/:id/services/:name/boot',
    {
      config: { permission: 'instance.configure' },
      schema: {
        tags,
        description: 'Whether a service starts at boot (systemctl enable/disable, or update-rc.d).',
        params: ServiceRef,
        body: ServiceBootRequest,
        response: { 200: ServiceInfo },
      },
    },
    async (req) => {
      req.auditNote = {
        action: req.body.enabled ? 'service.enable' : 'service.disable',
        targetType: 'instance',
        targetId: req.params.id,
        detail: { service: req.params.name },
      };
      return processes.serviceAction(req.params.id, req.params.name, req.body, req.auditNote);
    },
  );
}
