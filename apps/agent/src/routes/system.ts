import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  AgentEvent,
  HostFacts,
  Operation,
  OperationAccepted,
  Template,
  TemplateName,
  optionalBody,
} from '@berth/contracts';
import { notFound, openEventStream, type ZodTypeProvider } from '@berth/fastify-kit';
import type { AgentConfig } from '../config.js';
import type { EventBus } from '../events.js';
import { hostFacts } from '../facts.js';
import type { Operations } from '../operations.js';
import type { Templates } from '../templates/templates.js';

interface Deps {
  config: AgentConfig;
  templates: Templates;
  operations: Operations;
  events: EventBus;
}

export async function systemRoutes(
  app: FastifyInstance,
  { config, templates, operations, events }: Deps,
) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/v1/facts', { schema: { response: { 200: HostFacts } } }, () => hostFacts(config));

  r.get(
    '/v1/templates',
    { schema: { response: { 200: z.object({ items: z.array(Template) }) } } },
    async () => ({
      items: await templates.list(),
    }),
  );

  r.post(
    '/v1/templates/:name/build',
    {
      schema: {
        params: z.object({ name: TemplateName }),
        body: optionalBody(z.object({ rebuild: z.boolean().default(true) })),
        response: { 202: OperationAccepted },
      },
    },
    async (req, reply) => {
      templates.assertNotBuilding(req.params.name);
      const operation = operations.start('template.build', req.params.name, (progress) =>
        templates.ensure(req.params.name, (f, m) => progress(f * 100, m), req.body.rebuild),
      );
      return reply.status(202).send({ operation });
    },
  );

  r.get(
    '/v1/operations',
    { schema: { response: { 200: z.object({ items: z.array(Operation) }) } } },
    () => ({
      items: operations.list(),
    }),
  );

  r.get(
    '/v1/operations/:id',
    {
      schema: {
        params: z.object({ id: z.uuid() }),
        querystring: z.object({ waitSeconds: z.coerce.number().int().min(0).max(600).default(0) }),
        response: { 200: Operation },
      },
    },
    async (req) => {
      const op = await operations.wait(req.params.id, req.query.waitSeconds * 1000);
      if (!op) throw notFound(`operation ${req.params.id}`);
      return op;
    },
  );

  r.get('/v1/events', (req, reply) => {
    let unsubscribe = () => {};
    const send = openEventStream(req, reply, () => unsubscribe());
    unsubscribe = events.subscribe((event: AgentEvent) => send(event));
  });
}
