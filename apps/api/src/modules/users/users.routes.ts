import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { CreateUser, ResetPassword, SetGrants, UpdateUser, User, listOf } from '@berth/contracts';
import type { ZodTypeProvider } from '@berth/fastify-kit';
import { principalOf } from '../../plugins/auth.js';
import type { Users } from './users.service.js';

const IdParams = z.strictObject({ id: z.uuid() });
const tags = ['users'];
const config = { permission: 'user.manage' as const };

export async function userRoutes(app: FastifyInstance, { users }: { users: Users }) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/api/v1/users',
    { config, schema: { tags, response: { 200: listOf(User) } } },
    async () => ({
      items: await users.list(),
    }),
  );

  r.post(
    '/api/v1/users',
    { config, schema: { tags, body: CreateUser, response: { 201: User } } },
    async (req, reply) => {
      req.auditNote = {
        action: 'user.create',
        targetType: 'user',
        detail: { username: req.body.username },
        after: { username: req.body.username, grants: req.body.grants },
      };
      const created = await users.create(principalOf(req), req.body);
      req.auditNote.targetId = created.id;
      return reply.status(201).send(created);
    },
  );

  r.patch(
    '/api/v1/users/:id',
    {
      config,
      schema: {
        tags,
        description:
          "Disable or enable. Disabling ends the user's sessions, consoles and event streams at once; the last enabled Administrator cannot be disabled (409).",
        params: IdParams,
        body: UpdateUser,
        response: { 200: User },
      },
    },
    async (req) => {
      req.auditNote = {
        action: req.body.disabled ? 'user.disable' : 'user.enable',
        targetType: 'user',
        targetId: req.params.id,
      };
      const { before, after } = await users.setDisabled(req.params.id, req.body.disabled);
      req.auditNote.before = { disabled: before.disabled };
      req.auditNote.after = { disabled: after.disabled };
      return after;
    },
  );

  r.delete(
    '/api/v1/users/:id',
    {
      config,
      schema: {
        tags,
        description: 'The last enabled Administrator cannot be deleted (409).',
        params: IdParams,
      },
    },
    async (req, reply) => {
      req.auditNote = { action: 'user.delete', targetType: 'user', targetId: req.params.id };
      const gone = await users.delete(req.params.id);
      req.auditNote.before = { username: gone.username, grants: gone.grants };
      return reply.status(204).send();
    },
  );

  r.post(
    '/api/v1/users/:id/password',
    {
      config,
      schema: {
        tags,
        description: 'Sets a new password; every session of the user ends.',
        params: IdParams,
        body: ResetPassword,
      },
    },
    async (req, reply) => {
      req.auditNote = {
        action: 'user.password.reset',
        targetType: 'user',
        targetId: req.params.id,
      };
      await users.resetPassword(req.params.id, req.body.password);
      return reply.status(204).send();
    },
  );

  r.put(
    '/api/v1/users/:id/grants',
    {
      config,
      schema: {
        tags,
        description:
          'Replaces the grants: roles over the whole console ("all"), a host or a tag. Only roles whose permissions the caller holds can be granted.',
        params: IdParams,
        body: SetGrants,
        response: { 200: User },
      },
    },
    async (req) => {
      req.auditNote = { action: 'user.grants', targetType: 'user', targetId: req.params.id };
      const { before, after } = await users.setGrants(
        principalOf(req),
        req.params.id,
        req.body.grants,
      );
      req.auditNote.before = { grants: before.grants };
      req.auditNote.after = { grants: after.grants };
      return after;
    },
  );
}
