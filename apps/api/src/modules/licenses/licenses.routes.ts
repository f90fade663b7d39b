import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { InstallLicense, LicensesOverview, TransferLicense } from '@berth/contracts';
import type { ZodTypeProvider } from '@berth/fastify-kit';
import type { LicensesService } from './licenses.service.js';

const HostParams = z.strictObject({ hostId: z.string().min(1).max(64) });

export async function licenseRoutes(
  app: FastifyInstance,
  { licenses }: { licenses: LicensesService },
) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['licenses'];

  r.get(
    '/api/v1/licenses',
    {
      config: { permission: 'license.view' },
      schema: {
        tags,
        description:
          'The console-wide license and each host’s: status, limits, usage against them, days left.',
        response: { 200: LicensesOverview },
      },
    },
    () => licenses.overview(),
  );

  r.put(
    '/api/v1/licenses/console',
    {
      config: { permission: 'license.manage' },
      schema: {
        tags,
        description: 'Install or replace the console-wide license.',
        body: InstallLicense,
      },
    },
    async (req, reply) => {
      const { before, after } = await licenses.installConsole(req.body.license);
      req.auditNote = {
        action: before ? 'license.update' : 'license.install',
        targetType: 'license',
        targetId: after.licenseId,
        detail: { scope: 'console' },
        before,
        after,
      };
      return reply.status(204).send();
    },
  );

  r.delete(
    '/api/v1/licenses/console',
    { config: { permission: 'license.manage' }, schema: { tags } },
    async (req, reply) => {
      const { before } = await licenses.removeConsole();
      req.auditNote = {
        action: 'license.remove',
        targetType: 'license',
        targetId: before?.licenseId ?? null,
        detail: { scope: 'console' },
        before,
      };
      return reply.status(204).send();
    },
  );

  r.put(
    '/api/v1/hosts/:hostId/license',
    {
      config: { permission: 'license.manage' },
      schema: {
        tags,
        description: 'Install or replace a host’s own license.',
        params: HostParams,
        body: InstallLicense,
      },
    },
    async (req, reply) => {
      const { before, after } = await licenses.installHost(req.params.hostId, req.body.license);
      req.auditNote = {
        action: before ? 'license.update' : 'license.install',
        targetType: 'license',
        targetId: after.licenseId,
        detail: { scope: 'host', hostId: req.params.hostId },
        before,
        after,
      };
      return reply.status(204).send();
    },
  );

  r.delete(
    '/api/v1/hosts/:hostId/license',
    { config: { permission: 'license.manage' }, schema: { tags, params: HostParams } },
    async (req, reply) => {
      const { before } = await licenses.removeHost(req.params.hostId);
      req.auditNote = {
        action: 'license.remove',
        targetType: 'license',
        targetId: before?.licenseId ?? null,
        detail: { scope: 'host', hostId: req.params.hostId },
        before,
      };
      return reply.status(204).send();
    },
  );

  r.post(
    '/api/v1/hosts/:hostId/license/transfer',
    {
      config: { permission: 'license.manage' },
      schema: {
        tags,
        description:
          'Move a host’s license to another host; the old host’s copy is refused from then on.',
        params: HostParams,
        body: TransferLicense,
      },
    },
    async (req, reply) => {
      const moved = await licenses.transfer(req.params.hostId, req.body.toHostId);
      req.auditNote = {
        action: 'license.transfer',
        targetType: 'license',
        targetId: moved.licenseId,
        detail: moved,
      };
      return reply.status(204).send();
    },
  );
}
