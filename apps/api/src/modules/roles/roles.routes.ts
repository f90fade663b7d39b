import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { CreateRole, RoleInfo, UpdateRole, listOf } from '@berth/contracts';
import type { ZodTypeProvider } from '@berth/fastify-kit';
import type { Roles } from './roles.service.js';

const IdParams = z.strictObject({ id: z.string().min(1).max(64) });
const tags = ['roles'];
const config = { permission: 'role.manage' as const };

export async function roleRoutes(app: FastifyInstance, { roles }: { roles: Roles }) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  // The catalogue is no secret: anyone may read what a role they hold allows.
  r.get(
    '/api/v1/roles',
    {
      config: { permission: 'self' },
      schema: {
        tags,
        description: 'Built-in roles (read-only) and custom roles, with their permissions.',
        response: { 200: listOf(RoleInfo) },
      },
    },
    async () => ({ items: await roles.list() }),
  );

  r.post(
    '/api/v1/roles',
    { config, schema: { tags, body: CreateRole, response: { 201: RoleInfo } } },
    async (req, reply) => {
      req.auditNote = {
        action: 'role.create',
        targetType: 'role',
        detail: { name: req.body.name },
      };
      const created = await roles.create(req.body);
      req.auditNote.targetId = created.id;
      req.auditNote.after = { name: created.name, permissions: created.permissions };
      return reply.status(201).send(created);
    },
  );

  r.patch(
    '/api/v1/roles/:id',
    {
      config,
      schema: {
        tags,
        description:
          'Built-in roles cannot be changed (409). A change counts for every holder at once.',
        params: IdParams,
        body: UpdateRole,
        response: { 200: RoleInfo },
      },
    },
    async (req) => {
      req.auditNote = { action: 'role.update', targetType: 'role', targetId: req.params.id };
      const { before, after } = await roles.update(req.params.id, req.body);
      req.auditNote.before = {
        name: before.name,
        description: before.description,
        permissions: before.permissions,
      };
      req.auditNote.after = {
        name: after.name,
        description: after.description,
        permissions: after.permissions,
      };
      return after;
    },
  );

  r.delete(
    '/api/v1/roles/:id',
    {
      config,
      schema: {
        tags,
        description: 'A role still granted to someone, or a built-in one, cannot be deleted (409).',
        params: IdParams,
      },
    },
    async (req, reply) => {
      req.auditNote = { action: 'role.delete', targetType: 'role', targetId: req.params.id };
      const gone = await roles.delete(req.params.id);
      req.auditNote.before = { name: gone.name, permissions: gone.permissions };
      return reply.status(204).send();
    },
  );
}
