import { z } from 'zod';
import { queryInt } from './common.js';
import { InstanceRef, IsoName } from './instances.js';
import { Leftover } from './hosts.js';
import { TemplateName } from './templates.js';

/**
 * Shapes only the agent's HTTP interface uses (the API is its one client); shapes the API
 * also serves to browsers live with their resource.
 */

export const AgentTemplateRef = z.object({ name: TemplateName });

export const AgentIsoRef = z.object({ name: IsoName });

/** The API's quota for this host's store, when it has one set (else the agent's own). */
export const AgentIsoUpload = z.object({
  quotaBytes: queryInt(1, Number.MAX_SAFE_INTEGER).optional(),
});

export const AgentLeftoverRef = z.object({ id: Leftover.shape.id });

export const AgentOperationRef = z.object({ id: z.uuid() });

export const AgentOperationWait = z.object({
  waitSeconds: queryInt(0, 600)
    .default(0)
    .describe('answer when the operation ends, or after this long with its current state'),
});

export const AgentShellRef = InstanceRef.extend({ shellId: z.uuid() });

export const AgentShellFilter = z.object({
  ownerId: z.string().optional().describe('only the shells this user opened'),
});
