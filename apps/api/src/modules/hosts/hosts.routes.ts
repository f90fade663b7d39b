import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  ApiEvent,
  AuditEvent,
  Host,
  Task,
  TaskAccepted,
  TaskList,
  Template,
  TemplateName,
  optionalBody,
  queryFlag,
} from '@berth/contracts';
import { openEventStream, type ZodTypeProvider } from '@berth/fastify-kit';
import type { Hosts } from '../agents/hosts.js';
import type { Audit } from '../audit/audit.service.js';
import { requireRole } from '../auth/plugin.js';
import type { Tasks } from '../tasks/tasks.service.js';
import { SyncQuery, replyWithTask } from './task-reply.js';

interface Deps {
  hosts: Hosts;
  tasks: Tasks;
  audit: Audit;
  events: import('../events.js').ApiEvents;
}

const Limit = z.coerce.number().int().min(1).max(1000).default(100);

export async function systemRoutes(app: FastifyInstance, { hosts, tasks, audit, events }: Deps) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/health', { config: { public: true }, schema: { tags: ['system'] } }, async () => ({
    ok: true,
  }));

  r.get(
    '/api/v1/hosts',
    { schema: { tags: ['hosts'], response: { 200: z.object({ items: z.array(Host) }) } } },
    async (req) => {
      requireRole(req, 'viewer');
      return { items: await hosts.list() };
    },
  );

  r.get(
    '/api/v1/templates',
    {
      schema: {
        tags: ['templates'],
        querystring: z.object({ hostId: z.string().optional() }),
        response: { 200: z.object({ items: z.array(Template.extend({ hostId: z.string() })) }) },
      },
    },
    async (req) => {
      requireRole(req, 'viewer');
      const hostId = req.query.hostId ?? hosts.defaultHostId();
      const { items } = await hosts.client(hostId).templates();
      return { items: items.map((t) => ({ ...t, hostId })) };
    },
  );

  r.post(
    '/api/v1/templates/:name/build',
    {
      schema: {
        tags: ['templates'],
        description: 'Build (or rebuild) a template cache on a host; answers 202 with the task.',
        params: z.object({ name: TemplateName }),
        querystring: SyncQuery.extend({ hostId: z.string().optional() }),
        body: optionalBody(z.object({ rebuild: z.boolean().default(true) })),
        response: { 200: TaskAccepted, 202: TaskAccepted },
      },
    },
    async (req, reply) => {
      req.auditNote = {
        action: 'template.build',
        targetType: 'template',
        targetId: req.params.name,
      };
      const p = requireRole(req, 'operator');
      const hostId = req.query.hostId ?? hosts.defaultHostId();
      const { operation } = await hosts
        .client(hostId)
        .buildTemplate(req.params.name, req.body.rebuild);
      const task = await tasks.track(
        { kind: 'template.build', hostId, instanceId: null, userId: p.id },
        operation,
      );
      return replyWithTask(req, reply, tasks, task, req.query.sync);
    },
  );

  r.get(
    '/api/v1/tasks',
    {
      schema: {
        tags: ['tasks'],
        querystring: z.object({ instanceId: z.string().optional(), limit: Limit }),
        response: { 200: TaskList },
      },
    },
    async (req) => {
      requireRole(req, 'viewer');
      return { items: await tasks.list(req.query) };
    },
  );

  r.get(
    '/api/v1/tasks/:id',
    {
      schema: {
        tags: ['tasks'],
        params: z.object({ id: z.string().min(1).max(64) }),
        querystring: z.object({
          wait: queryFlag('long-poll until the task ends (at most 60 s)'),
        }),
        response: { 200: Task },
      },
    },
    async (req) => {
      requireRole(req, 'viewer');
      return req.query.wait ? tasks.wait(req.params.id, 60_000) : tasks.get(req.params.id);
    },
  );

  r.get(
    '/api/v1/audit',
    {
      schema: {
        tags: ['audit'],
        querystring: z.object({ limit: Limit }),
        response: { 200: z.object({ items: z.array(AuditEvent) }) },
      },
    },
    async (req) => {
      requireRole(req, 'admin');
      return { items: await audit.list(req.query.limit) };
    },
  );

  r.get(
    '/api/v1/events',
    {
      schema: {
        tags: ['events'],
        description: `Server-sent events; each data line is a JSON event of type ${ApiEvent.options.map((o) => o.shape.type.value).join(', ')}`,
      },
    },
    (req, reply) => {
      requireRole(req, 'viewer');
      let unsubscribe = () => {};
      const send = openEventStream(req, reply, () => unsubscribe());
      unsubscribe = events.subscribe((event) => send(event));
    },
  );
}
