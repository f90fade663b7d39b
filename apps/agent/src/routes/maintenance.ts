import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  ConvertToTemplate,
  DisableRequest,
  Instance,
  InstanceRef,
  OperationAccepted,
  ReinstallRequest,
  RenameRequest,
  ResourceName,
  badRequest,
  optionalBody,
} from '@berth/contracts';
import type { ZodTypeProvider } from '@berth/fastify-kit';
import type { ContainerMaintenance } from '../instances/container-maintenance.js';
import type { CtTemplating } from '../instances/ct-to-template.js';
import type { Instances } from '../instances/instances.js';
import type { VmTemplating } from '../instances/vm-to-template.js';
import type { CtCustomTemplates } from '../templates/ct-templates.js';
import type { VmTemplates } from '../templates/vm-templates.js';

/** Container maintenance (rename, disable/enable, reinstall) and VMs made templates. */
export async function maintenanceRoutes(
  app: FastifyInstance,
  {
    instances,
    maintenance,
    templating,
    ctTemplating,
    vmTemplates,
    ctTemplates,
  }: {
    instances: Instances;
    maintenance: ContainerMaintenance;
    templating: VmTemplating;
    ctTemplating: CtTemplating;
    vmTemplates: VmTemplates;
    ctTemplates: CtCustomTemplates;
  },
) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  /** An unknown instance is a 404 from get; a VM is refused by name. */
  const container = async (id: string, what: string) => {
    if ((await instances.get(id)).kind === 'vm') throw badRequest(`${what} is for containers`);
  };

  r.post(
    '/v1/instances/:id/rename',
    { schema: { params: InstanceRef, body: RenameRequest, response: { 200: Instance } } },
    async (req) => {
      await container(req.params.id, 'rename');
      return maintenance.rename(req.params.id, req.body, instances.nameTaken);
    },
  );

  r.put(
    '/v1/instances/:id/disabled',
    { schema: { params: InstanceRef, body: DisableRequest, response: { 200: Instance } } },
    async (req) => {
      await container(req.params.id, 'disable');
      return maintenance.setDisabled(req.params.id, req.body);
    },
  );

  r.post(
    '/v1/instances/:id/reinstall',
    {
      schema: {
        params: InstanceRef,
        body: optionalBody(ReinstallRequest),
        response: { 202: OperationAccepted },
      },
    },
    async (req, reply) => {
      await container(req.params.id, 'reinstall');
      return reply
        .status(202)
        .send({ operation: await maintenance.reinstall(req.params.id, req.body) });
    },
  );

  r.post(
    '/v1/instances/:id/template',
    {
      schema: {
        params: InstanceRef,
        body: ConvertToTemplate,
        response: { 202: OperationAccepted },
      },
    },
    async (req, reply) => {
      const ct = (await instances.get(req.params.id)).kind === 'ct';
      const operation = ct
        ? await ctTemplating.make(req.params.id, req.body)
        : await templating.convert(req.params.id, req.body);
      return reply.status(202).send({ operation });
    },
  );

  r.delete(
    '/v1/templates/:name',
    { schema: { params: z.object({ name: ResourceName }) } },
    async (req, reply) => {
      if (await ctTemplates.meta(req.params.name)) await ctTemplates.remove(req.params.name);
      else await vmTemplates.remove(req.params.name);
      return reply.status(204).send();
    },
  );
}
