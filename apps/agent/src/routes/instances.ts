import type { FastifyInstance } from 'fastify';
import {
  ActionOptions,
  AgentIsoRef,
  AgentIsoUpload,
  CreateInstance,
  InstanceRef,
  Iso,
  IsoStoreUsage,
  DeleteOptions,
  ExecRequest,
  ExecResult,
  Instance,
  InstanceAction,
  InstanceList,
  OperationAccepted,
  UpdateInstance,
  listOf,
  optionalBody,
  badRequest,
  conflict,
} from '@berth/contracts';
import { type ZodTypeProvider } from '@berth/fastify-kit';
import type { Readable } from 'node:stream';
import type { Instances } from '../instances/instances.js';
import type { IsoStore } from '../storage/isos.js';

const IdParams = InstanceRef;

export async function instanceRoutes(
  app: FastifyInstance,
  { instances }: { instances: Instances },
) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/v1/instances', { schema: { response: { 200: InstanceList } } }, async () => ({
    items: await instances.list(),
  }));

  r.get(
    '/v1/instances/:id',
    { schema: { params: IdParams, response: { 200: Instance } } },
    async (req) => instances.get(req.params.id),
  );

  r.post(
    '/v1/instances',
    { schema: { body: CreateInstance, response: { 202: OperationAccepted } } },
    async (req, reply) => reply.status(202).send({ operation: await instances.create(req.body) }),
  );

  r.patch(
    '/v1/instances/:id',
    { schema: { params: IdParams, body: UpdateInstance, response: { 200: Instance } } },
    async (req) => instances.update(req.params.id, req.body),
  );

  r.post(
    '/v1/instances/:id/actions/:action',
    {
      schema: {
        params: IdParams.extend({ action: InstanceAction }),
        body: optionalBody(ActionOptions),
        response: { 202: OperationAccepted },
      },
    },
    async (req, reply) => {
      await instances.precheck(req.params.id, req.params.action);
      return reply
        .status(202)
        .send({ operation: instances.action(req.params.id, req.params.action, req.body) });
    },
  );

  r.post(
    '/v1/instances/:id/unprivilege',
    { schema: { params: IdParams, response: { 202: OperationAccepted } } },
    async (req, reply) =>
      reply.status(202).send({ operation: await instances.unprivilege(req.params.id) }),
  );

  r.post(
    '/v1/instances/:id/exec',
    { schema: { params: IdParams, body: ExecRequest, response: { 200: ExecResult } } },
    async (req) => instances.exec(req.params.id, req.body),
  );

  r.delete(
    '/v1/instances/:id',
    {
      schema: {
        params: IdParams,
        querystring: DeleteOptions,
        response: { 202: OperationAccepted },
      },
    },
    async (req, reply) => {
      await instances.precheck(req.params.id, 'delete', req.query.force);
      return reply
        .status(202)
        .send({ operation: instances.delete(req.params.id, req.query.force) });
    },
  );
}

/** Screens and the ISO store: binary bodies, so they sit apart from the JSON routes. */
export async function mediaRoutes(
  app: FastifyInstance,
  { instances, isos }: { instances: Instances; isos: IsoStore },
) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/v1/instances/:id/screenshot', { schema: { params: IdParams } }, async (req, reply) =>
    reply
      .type('image/png')
      .header('cache-control', 'no-store')
      .send(await instances.screenshot(req.params.id)),
  );

  r.get('/v1/isos', { schema: { response: { 200: listOf(Iso) } } }, async () => ({
    items: await isos.list(),
  }));

  r.get('/v1/isos/store', { schema: { response: { 200: IsoStoreUsage } } }, async () =>
    isos.usage(),
  );

  // The body is streamed to disk as it arrives, never held in memory.
  app.addContentTypeParser('application/octet-stream', (_req, payload, done) =>
    done(null, payload),
  );
  r.put(
    '/v1/isos/:name',
    {
      bodyLimit: Number.MAX_SAFE_INTEGER,
      schema: { params: AgentIsoRef, querystring: AgentIsoUpload, response: { 201: Iso } },
    },
    async (req, reply) => {
      if (!req.headers['content-type']?.startsWith('application/octet-stream')) {
        throw badRequest('send the ISO as the raw body with content-type application/octet-stream');
      }
      const length = Number(req.headers['content-length']);
      const expected = Number.isSafeInteger(length) && length > 0 ? length : null;
      return reply
        .status(201)
        .send(
          await isos.put(req.params.name, req.body as Readable, expected, req.query.quotaBytes),
        );
    },
  );

  r.delete('/v1/isos/:name', { schema: { params: AgentIsoRef } }, async (req, reply) => {
    if (instances.vms.inUseIsos().includes(req.params.name)) {
      throw conflict(`${req.params.name} is in a VM's CD drive; eject it first`);
    }
    await isos.remove(req.params.name);
    return reply.status(204).send();
  });
}
