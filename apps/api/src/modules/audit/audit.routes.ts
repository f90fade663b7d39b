import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import {
  AuditExportQuery,
  AuditPage,
  AuditQuery,
  AuditSettings,
  AuditVerification,
  UpdateAuditSettings,
} from '@berth/contracts';
import type { ZodTypeProvider } from '@berth/fastify-kit';
import { actorOf } from '../../plugins/auth.js';
import type { Audit, ExportedRow } from './audit.service.js';
import { csvLine } from './csv.js';
import { diff } from './diff.js';

const CSV_COLUMNS = [
  'seq',
  'at',
  'actor',
  'userId',
  'ip',
  'action',
  'targetType',
  'targetId',
  'outcome',
  'taskId',
  'detail',
  'before',
  'after',
  'prevHash',
  'hash',
] as const satisfies ReadonlyArray<keyof ExportedRow>;

/** The export as text chunks: CSV with a header line, or one JSON array, a row at a time. */
async function* exported(rows: AsyncIterable<ExportedRow>, format: 'csv' | 'json') {
  if (format === 'csv') {
    yield csvLine(CSV_COLUMNS);
    for await (const row of rows) yield csvLine(CSV_COLUMNS.map((c) => row[c]));
    return;
  }
  let first = true;
  yield '[';
  for await (const row of rows) {
    yield `${first ? '\n' : ',\n'}${JSON.stringify(row)}`;
    first = false;
  }
  yield '\n]\n';
}

export async function auditRoutes(app: FastifyInstance, { audit }: { audit: Audit }) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/api/v1/audit',
    {
      config: { permission: 'audit.view' },
      schema: {
        tags: ['audit'],
        description:
          'Matching rows, newest first; pass `nextCursor` as `cursor` for the next page. A run of identical events is one row with its `count` unless `collapse=false`.',
        querystring: AuditQuery,
        response: { 200: AuditPage },
      },
    },
    async (req) => {
      const { limit, cursor, collapse, ...filter } = req.query;
      return audit.list(filter, limit, cursor, collapse);
    },
  );

  r.get(
    '/api/v1/audit/verify',
    {
      config: { permission: 'audit.view' },
      schema: {
        tags: ['audit'],
        description:
          'Walks the hash chain in seq order (from the pruning anchor, if any) and names the first row whose link does not hold.',
        response: { 200: AuditVerification },
      },
    },
    async () => audit.verify(),
  );

  r.get(
    '/api/v1/audit/export',
    {
      config: { permission: 'audit.view' },
      schema: {
        tags: ['audit'],
        description:
          'Every matching row, oldest first, with its chain links, as CSV or a JSON array; streamed.',
        querystring: AuditExportQuery,
      },
    },
    async (req, reply) => {
      const { format, ...filter } = req.query;
      // Reading the whole log out is worth a row of its own (GETs are otherwise not audited).
      await audit.record(actorOf(req), {
        action: 'audit.export',
        targetType: 'audit',
        outcome: 'success',
        detail: { format, filter },
      });
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      reply
        .header('content-type', format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json')
        .header('content-disposition', `attachment; filename="berth-audit-${stamp}.${format}"`);
      return reply.send(Readable.from(exported(audit.exportRows(filter), format)));
    },
  );

  r.get(
    '/api/v1/audit/settings',
    {
      config: { permission: 'audit.view' },
      schema: { tags: ['audit'], response: { 200: AuditSettings } },
    },
    async () => audit.settings(),
  );

  r.put(
    '/api/v1/audit/settings',
    {
      config: { permission: 'audit.manage' },
      schema: {
        tags: ['audit'],
        description: 'How long rows are kept; older ones are pruned at start and daily.',
        body: UpdateAuditSettings,
        response: { 200: AuditSettings },
      },
    },
    async (req) => {
      const before = await audit.settings();
      req.auditNote = { action: 'audit.settings', targetType: 'audit', ...diff(before, req.body) };
      await audit.updateSettings(req.body);
      return req.body;
    },
  );
}
