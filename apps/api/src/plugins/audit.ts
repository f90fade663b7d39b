import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import type { PrismaClient } from '@berth/db';
import { actorOf, routeOf } from './auth.js';
import type { Audit, AuditNote } from '../modules/audit/audit.service.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** What a mutating handler did, for its audit row; unset when it failed before knowing. */
    auditNote: AuditNote | null;
  }
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Every mutating call lands in the audit log exactly once, including the ones
 * refused before a handler ran (bad input, no login). Recorded before the reply
 * is sent, so a client that reads the log right after sees its own call.
 */
export const auditPlugin = fp(
  async (app: FastifyInstance, { audit, db }: { audit: Audit; db: PrismaClient }) => {
    app.decorateRequest('auditNote', null);
    app.addHook('onSend', async (req, reply, payload) => {
      // The matched route decides, as for authentication: "/%61pi/…" is an API call too.
      if (!MUTATING.has(req.method) || !routeOf(req).startsWith('/api/')) return payload;
      const status = reply.statusCode;
      const note = req.auditNote;
      const params = (req.params ?? {}) as Record<string, string>;
      let outcome: 'success' | 'failure' | 'denied' =
        status >= 400 ? (status === 401 || status === 403 ? 'denied' : 'failure') : 'success';
      if (note?.taskId && outcome === 'success') {
        const task = await db.task.findUnique({ where: { id: note.taskId } });
        if (task?.status === 'failed') outcome = 'failure';
      }
      let error: string | undefined;
      if (status >= 400 && typeof payload === 'string') {
        try {
          error = (JSON.parse(payload) as { error?: { message?: string } }).error?.message;
        } catch {
          error = undefined;
        }
      }
      const entry = {
        action: note?.action ?? `${req.method} ${routeOf(req)}`,
        targetType: note?.targetType ?? 'api',
        targetId: note?.targetId ?? params.id ?? null,
        outcome,
        taskId: note?.taskId ?? null,
        detail: { status, ...(note?.detail ?? {}), ...(error ? { error } : {}) },
        // What changed is only what did change: a refused or failed call changed nothing.
        before: outcome === 'success' ? (note?.before ?? null) : null,
        after: outcome === 'success' ? (note?.after ?? null) : null,
      };
      // The call has already happened (or failed); an unwritable database must not turn its answer
      // into a different error. The entry goes to the log instead, so the trail is not lost.
      await audit.record(actorOf(req), entry).catch((err: unknown) => {
        req.log.error(
          { err, audit: { actor: actorOf(req).name, ...entry } },
          'audit row not written',
        );
      });
      return payload;
    });
  },
);
