import type { FastifyInstance } from 'fastify';
import { UsageQuery, UsageReport } from '@berth/contracts';
import type { ZodTypeProvider } from '@berth/fastify-kit';
import { csvLine } from '../audit/csv.js';
import { USAGE_CSV_COLUMNS, type UsageService } from './usage.service.js';

export async function usageRoutes(app: FastifyInstance, { usage }: { usage: UsageService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/api/v1/usage',
    {
      config: { permission: 'usage.view' },
      schema: {
        tags: ['monitoring'],
        description:
          'Usage totals over [from, to) per instance, host or tag, for billing: CPU-hours, memory GiB-hours, disk GiB-days (allocated size while running), network GiB in and out. JSON (UsageReport) or CSV (one row per group, the same fields), as a download.',
        querystring: UsageQuery,
      },
    },
    async (req, reply) => {
      const report = UsageReport.parse(await usage.report(req.query));
      const name = `berth-usage-${req.query.groupBy}-${report.from.slice(0, 10)}-${report.to.slice(0, 10)}.${req.query.format}`;
      reply.header('content-disposition', `attachment; filename="${name}"`);
      if (req.query.format === 'json') return reply.type('application/json').send(report);
      const lines = [csvLine(USAGE_CSV_COLUMNS)];
      for (const row of report.items) lines.push(csvLine(USAGE_CSV_COLUMNS.map((c) => row[c])));
      return reply.type('text/csv; charset=utf-8').send(lines.join(''));
    },
  );
}
