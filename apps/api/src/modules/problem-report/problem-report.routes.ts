import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ProblemReportRequest } from '@berth/contracts';
import type { ZodTypeProvider } from '@berth/fastify-kit';
import type { ProblemReports } from './problem-report.service.js';

const HostParams = z.strictObject({ hostId: z.string().min(1).max(64) });

export async function problemReportRoutes(
  app: FastifyInstance,
  { reports }: { reports: ProblemReports },
) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  // host.manage: the report holds the host's configuration and logs (secrets redacted).
  r.post(
    '/api/v1/hosts/:hostId/problem-report',
    {
      config: { permission: 'host.manage' },
      schema: {
        tags: ['hosts'],
        description:
          'A tar.gz for support: versions, host facts, diagnostics (lxc-checkconfig, ip, nft, the service journal), recent task logs and the chosen instances’ configs, with secrets redacted.',
        params: HostParams,
        body: ProblemReportRequest,
      },
    },
    async (req, reply) => {
      const { name, data } = await reports.build(req.params.hostId, req.body.instanceIds);
      req.auditNote = {
        action: 'host.problem-report',
        targetType: 'host',
        targetId: req.params.hostId,
        detail: { instanceIds: req.body.instanceIds, bytes: data.length },
      };
      return reply
        .header('content-type', 'application/gzip')
        .header('content-disposition', `attachment; filename="${name}"`)
        .send(data);
    },
  );
}
