import type { FastifyInstance } from 'fastify';
import {
  AgentEvent,
  AgentLeftoverRef,
  Leftover,
  AgentOperationRef,
  AgentOperationWait,
  AgentTemplateRef,
  BuildTemplate,
  HostFacts,
  Operation,
  OperationAccepted,
  OperationLog,
  Template,
  VmTemplateName,
  type CtTemplateName,
  listOf,
  optionalBody,
  notFound,
} from '@berth/contracts';
import { openEventStream, type ZodTypeProvider } from '@berth/fastify-kit';
import type { AgentConfig } from '../config.js';
import type { Accelerator } from '../drivers/qemu/accel.js';
import type { EventBus } from '../events.js';
import { hostFacts } from '../facts.js';
import type { Operations } from '../operations.js';
import type { HostLicense } from '../licenses/host-license.js';
import type { Quarantine } from '../recovery/quarantine.js';
import type { Templates } from '../templates/templates.js';
import type { VmTemplates } from '../templates/vm-templates.js';

interface Deps {
  config: AgentConfig;
  accel: Accelerator;
  templates: Templates;
  vmTemplates: VmTemplates;
  operations: Operations;
  events: EventBus;
  quarantine: Quarantine;
  license: HostLicense;
}

export async function systemRoutes(
  app: FastifyInstance,
  { config, accel, templates, vmTemplates, operations, events, quarantine, license }: Deps,
) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/v1/facts', { schema: { response: { 200: HostFacts } } }, () =>
    hostFacts(config, accel.current, quarantine, license),
  );

  r.get('/v1/leftovers', { schema: { response: { 200: listOf(Leftover) } } }, async () => ({
    items: await quarantine.list(),
  }));

  r.delete('/v1/leftovers/:id', { schema: { params: AgentLeftoverRef } }, async (req, reply) => {
    await quarantine.remove(req.params.id);
    return reply.status(204).send();
  });

  r.get('/v1/templates', { schema: { response: { 200: listOf(Template) } } }, async () => ({
    items: [...(await templates.list()), ...(await vmTemplates.list())],
  }));

  r.post(
    '/v1/templates/:name/build',
    {
      schema: {
        params: AgentTemplateRef,
        body: optionalBody(BuildTemplate),
        response: { 202: OperationAccepted },
      },
    },
    async (req, reply) => {
      const { name } = req.params;
      const { rebuild } = req.body;
      const vm = VmTemplateName.safeParse(name);
      if (vm.success) vmTemplates.assertNotBuilding(vm.data);
      else templates.assertNotBuilding(name as CtTemplateName);
      const operation = operations.start(
        'template.build',
        name,
        (progress) => {
          const report = (f: number, m: string) => progress(f * 100, m);
          return vm.success
            ? vmTemplates.ensure(vm.data, report, rebuild)
            : templates.ensure(name as CtTemplateName, report, rebuild);
        },
        { type: 'template.build', template: name },
      );
      return reply.status(202).send({ operation });
    },
  );

  r.get('/v1/operations', { schema: { response: { 200: listOf(Operation) } } }, () => ({
    items: operations.list(),
  }));

  r.get(
    '/v1/operations/:id',
    {
      schema: {
        params: AgentOperationRef,
        querystring: AgentOperationWait,
        response: { 200: Operation },
      },
    },
    async (req) => {
      const op = await operations.wait(req.params.id, req.query.waitSeconds * 1000);
      if (!op) throw notFound(`operation ${req.params.id}`);
      return op;
    },
  );

  r.get(
    '/v1/operations/:id/log',
    { schema: { params: AgentOperationRef, response: { 200: OperationLog } } },
    (req) => operations.log(req.params.id),
  );

  r.post(
    '/v1/operations/:id/cancel',
    { schema: { params: AgentOperationRef, response: { 202: OperationAccepted } } },
    async (req, reply) => reply.status(202).send({ operation: operations.cancel(req.params.id) }),
  );

  r.get('/v1/events', (req, reply) => {
    let unsubscribe = () => {};
    const send = openEventStream(req, reply, () => unsubscribe());
    unsubscribe = events.subscribe((event: AgentEvent) => send(event));
  });
}
