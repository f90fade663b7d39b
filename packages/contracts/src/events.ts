import { z } from 'zod';
import { AlertEvent } from './alerts.js';
import { Instance, InstanceState } from './instances.js';
import { Operation } from './operations.js';
import { Task } from './tasks.js';

/** What an agent streams to the API. */
export const AgentEvent = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('instance.state'),
    instanceId: z.uuid(),
    state: InstanceState,
    at: z.iso.datetime(),
  }),
  z.object({ type: z.literal('instance.updated'), instance: Instance, at: z.iso.datetime() }),
  z.object({ type: z.literal('instance.deleted'), instanceId: z.uuid(), at: z.iso.datetime() }),
  z.object({ type: z.literal('operation'), operation: Operation, at: z.iso.datetime() }),
]);
export type AgentEvent = z.infer<typeof AgentEvent>;

/** What the API streams to browsers and scripts. */
export const ApiEvent = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('instance.state'),
    hostId: z.string(),
    instanceId: z.uuid(),
    state: InstanceState,
    at: z.iso.datetime(),
  }),
  z.object({
    type: z.literal('instance.updated'),
    hostId: z.string(),
    instance: Instance,
    at: z.iso.datetime(),
  }),
  z.object({
    type: z.literal('instance.deleted'),
    hostId: z.string(),
    instanceId: z.uuid(),
    at: z.iso.datetime(),
  }),
  z.object({ type: z.literal('task'), task: Task, at: z.iso.datetime() }),
  z.object({
    type: z.literal('host.status'),
    hostId: z.string(),
    status: z.enum(['online', 'offline']),
    at: z.iso.datetime(),
  }),
  /** An alert fired (resolvedAt null) or resolved. */
  z.object({ type: z.literal('alert'), alert: AlertEvent, at: z.iso.datetime() }),
]);
export type ApiEvent = z.infer<typeof ApiEvent>;
