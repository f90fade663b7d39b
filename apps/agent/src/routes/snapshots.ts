import type { FastifyInstance } from 'fastify';
import {
  CreateSnapshotRequest,
  InstanceRef,
  OperationAccepted,
  RevertSnapshotRequest,
  SnapshotList,
  SnapshotRef,
  conflict,
  optionalBody,
} from '@berth/contracts';
import type { ZodTypeProvider } from '@berth/fastify-kit';
import type { Instances } from '../instances/instances.js';
import type { SnapshotDriver } from '../snapshots/driver.js';

/** One driver per kind; a kind without one answers why it cannot. */
export interface SnapshotDrivers {
  vm: SnapshotDriver;
  ct: SnapshotDriver | null;
}

const NO_CT_DRIVER = 'container snapshots need a copy-on-write storage pool';

export async function snapshotRoutes(
  app: FastifyInstance,
  { instances, drivers }: { instances: Instances; drivers: SnapshotDrivers },
) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  /** The driver of the instance's kind; an unknown instance is a 404 from get. */
  async function driverFor(id: string): Promise<SnapshotDriver> {
    const instance = await instances.get(id);
    const driver = drivers[instance.kind];
    if (!driver) throw conflict(NO_CT_DRIVER);
    return driver;
  }

  r.get(
    '/v1/instances/:id/snapshots',
    { schema: { params: InstanceRef, response: { 200: SnapshotList } } },
    async (req) => {
      const instance = await instances.get(req.params.id);
      const driver = drivers[instance.kind];
      if (driver) return driver.list(req.params.id);
      return {
        items: [],
        current: null,
        supported: { snapshots: false, memory: false, reason: NO_CT_DRIVER },
      };
    },
  );

  r.post(
    '/v1/instances/:id/snapshots',
    {
      schema: {
        params: InstanceRef,
        body: CreateSnapshotRequest,
        response: { 202: OperationAccepted },
      },
    },
    async (req, reply) => {
      const driver = await driverFor(req.params.id);
      return reply.status(202).send({ operation: await driver.take(req.params.id, req.body) });
    },
  );

  r.post(
    '/v1/instances/:id/snapshots/:snapshot/revert',
    {
      schema: {
        params: SnapshotRef,
        body: optionalBody(RevertSnapshotRequest),
        response: { 202: OperationAccepted },
      },
    },
    async (req, reply) => {
      const driver = await driverFor(req.params.id);
      const operation = await driver.revert(req.params.id, req.params.snapshot, req.body);
      return reply.status(202).send({ operation });
    },
  );

  r.delete(
    '/v1/instances/:id/snapshots/:snapshot',
    { schema: { params: SnapshotRef, response: { 202: OperationAccepted } } },
    async (req, reply) => {
      const driver = await driverFor(req.params.id);
      const operation = await driver.remove(req.params.id, req.params.snapshot);
      return reply.status(202).send({ operation });
    },
  );
}
