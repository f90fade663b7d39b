import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  AlertHistoryPage,
  AlertHistoryQuery,
  AlertPageQuery,
  AlertRule,
  AlertRuleSpec,
  AlertRulePage,
  InstanceRef,
} from '@berth/contracts';
import type { ZodTypeProvider } from '@berth/fastify-kit';
import { principalOf } from '../../plugins/auth.js';
import type { Alerts } from './alerts.service.js';

const IdParams = z.strictObject({ id: z.uuid() });
const tags = ['alerts'];
const view = { permission: 'alert.view' as const };
const manage = { permission: 'alert.manage' as const };

/** What the audit row keeps of a rule. */
const recorded = ({ id: _id, createdAt: _c, updatedAt: _u, createdBy: _b, ...rule }: AlertRule) =>
  rule;

export async function alertRoutes(app: FastifyInstance, { alerts }: { alerts: Alerts }) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/api/v1/alerts/rules',
    {
      config: view,
      schema: { tags, querystring: AlertPageQuery, response: { 200: AlertRulePage } },
    },
    async (req) => alerts.rules(req.query.limit, req.query.offset),
  );

  r.post(
    '/api/v1/alerts/rules',
    {
      config: manage,
      schema: {
        tags,
        description:
          'A rule fires when its metric stays above (or below) the threshold for forSeconds on a subject in its scope, and resolves when it no longer does. Judged on the API as samples arrive (every 5 s).',
        body: AlertRuleSpec,
        response: { 201: AlertRule },
      },
    },
    async (req, reply) => {
      req.auditNote = { action: 'alert.rule.create', targetType: 'alert-rule' };
      const created = await alerts.create(req.body, principalOf(req).username);
      req.auditNote.targetId = created.id;
      req.auditNote.after = recorded(created);
      return reply.status(201).send(created);
    },
  );

  r.put(
    '/api/v1/alerts/rules/:id',
    {
      config: manage,
      schema: {
        tags,
        description: 'Replaces the rule; its firing alerts resolve and it is judged afresh.',
        params: IdParams,
        body: AlertRuleSpec,
        response: { 200: AlertRule },
      },
    },
    async (req) => {
      req.auditNote = {
        action: 'alert.rule.update',
        targetType: 'alert-rule',
        targetId: req.params.id,
      };
      const { before, after } = await alerts.update(req.params.id, req.body);
      req.auditNote.before = recorded(before);
      req.auditNote.after = recorded(after);
      return after;
    },
  );

  r.delete(
    '/api/v1/alerts/rules/:id',
    {
      config: manage,
      schema: {
        tags,
        description: 'Its firing alerts resolve; its history stays.',
        params: IdParams,
      },
    },
    async (req, reply) => {
      req.auditNote = {
        action: 'alert.rule.delete',
        targetType: 'alert-rule',
        targetId: req.params.id,
      };
      req.auditNote.before = recorded(await alerts.delete(req.params.id));
      return reply.status(204).send();
    },
  );

  r.get(
    '/api/v1/alerts',
    {
      config: view,
      schema: {
        tags,
        description: 'Alert history, newest first; state=firing: those not resolved yet.',
        querystring: AlertHistoryQuery,
        response: { 200: AlertHistoryPage },
      },
    },
    async (req) => alerts.history(req.query),
  );

  r.get(
    '/api/v1/instances/:id/alerts',
    {
      config: { permission: 'instance.view' },
      schema: {
        tags,
        description: "One instance's alerts, newest first.",
        params: InstanceRef,
        querystring: AlertHistoryQuery,
        response: { 200: AlertHistoryPage },
      },
    },
    async (req) => alerts.history(req.query, req.params.id),
  );
}
