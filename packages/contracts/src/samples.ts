import { z } from 'zod';
import { LimitApply, Limits, LimitsPatch } from './limits.js';

/**
 * Configuration samples (Parallels Server's word): named sets of limits to create an instance
 * with or to apply to one. Three are built in (small, medium, large) and cannot be changed.
 */

export const SampleName = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9 _.-]*$/, 'use letters, digits, spaces and _ . -');

export const ConfigSample = z.object({
  id: z.string().describe('the built-in name, or the custom sample id'),
  name: z.string(),
  description: z.string(),
  limits: Limits,
  builtin: z.boolean().describe('small, medium and large: shipped with Berth, read-only'),
  createdBy: z.string().nullable().describe('null for built-in samples'),
  updatedAt: z.iso.datetime().nullable().describe('null for built-in samples'),
});
export type ConfigSample = z.infer<typeof ConfigSample>;

export const CreateSample = z
  .object({
    name: SampleName,
    description: z.string().max(500).default(''),
    limits: Limits,
  })
  .strict();
export type CreateSample = z.infer<typeof CreateSample>;

/** Only what is sent changes; `limits` replaces the sample's limits whole. */
export const UpdateSample = z
  .object({
    name: SampleName.optional(),
    description: z.string().max(500).optional(),
    limits: Limits.optional(),
  })
  .strict();
export type UpdateSample = z.infer<typeof UpdateSample>;

/**
 * What "split this server" leaves to the host itself: a share of its CPU time, of its memory
 * (at least memoryMinMiB, for the kernel, the agent and the API) and of its disk.
 */
export const SPLIT_HEADROOM = {
  cpuPercent: 10,
  memoryPercent: 10,
  memoryMinMiB: 512,
  diskPercent: 10,
} as const;

export const SplitRequest = z
  .object({
    count: z
      .number()
      .int('count must be a whole number')
      .min(1, 'count must be between 1 and 256')
      .max(256, 'count must be between 1 and 256'),
    hostId: z.string().min(1).max(64).optional().describe('defaults to the local host'),
  })
  .strict();
export type SplitRequest = z.infer<typeof SplitRequest>;

export const SplitResult = z.object({
  count: z.number().int(),
  limits: Limits.describe('for each of the N instances'),
  host: z.object({
    cpus: z.number().int(),
    memoryMiB: z.number().int(),
    diskMiB: z.number().int(),
  }),
  headroom: z
    .object({
      cpuPercent: z.number().describe('of all CPUs together'),
      memoryMiB: z.number().int(),
      diskMiB: z.number().int(),
    })
    .describe('what stays with the host'),
});
export type SplitResult = z.infer<typeof SplitResult>;

export const MIN_SCALE_FACTOR = 0.1;
export const MAX_SCALE_FACTOR = 16;

export const ScaleRequest = z
  .object({
    limits: Limits,
    factor: z
      .number()
      .min(MIN_SCALE_FACTOR, `factor must be between ${MIN_SCALE_FACTOR} and ${MAX_SCALE_FACTOR}`)
      .max(MAX_SCALE_FACTOR, `factor must be between ${MIN_SCALE_FACTOR} and ${MAX_SCALE_FACTOR}`),
  })
  .strict();
export type ScaleRequest = z.infer<typeof ScaleRequest>;

export const LimitProblemInfo = z.object({
  path: z.string().describe('dotted path under limits: memory.swapMiB'),
  message: z.string(),
  fix: z.string(),
});

export const LimitValidation = z.object({
  problems: z.array(LimitProblemInfo).describe('empty when the settings hold together'),
});
export type LimitValidation = z.infer<typeof LimitValidation>;

const LimitValue = z.union([z.number(), z.string()]).nullable();

export const SampleDiffQuery = z.strictObject({
  sample: z.string().min(1).max(64).describe('the sample to apply: its id or built-in name'),
});

/** A dry run of applying a sample: nothing changes until `patch` is sent as PATCH {limits}. */
export const SampleDiff = z.object({
  sample: z.object({ id: z.string(), name: z.string() }),
  before: Limits,
  after: Limits,
  patch: LimitsPatch.describe('send as PATCH /api/v1/instances/{id} {limits: patch} to apply'),
  changes: z.array(
    z.object({
      path: z.string(),
      before: LimitValue,
      after: LimitValue,
      apply: LimitApply.describe('live, or at the next start'),
    }),
  ),
  skipped: z
    .array(z.object({ path: z.string(), reason: z.string() }))
    .describe("the sample's fields that cannot be applied to this instance"),
  problems: z.array(LimitProblemInfo).describe('what would be wrong with `after` on this host'),
});
export type SampleDiff = z.infer<typeof SampleDiff>;
