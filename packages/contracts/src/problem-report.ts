import { z } from 'zod';

/** One diagnostic command the agent ran for a problem report, with what it said. */
export const DiagnosticOutput = z.strictObject({
  name: z.string(),
  command: z.array(z.string()),
  exitCode: z.number().int(),
  stdout: z.string(),
  stderr: z.string(),
});
export type DiagnosticOutput = z.infer<typeof DiagnosticOutput>;

export const AgentDiagnostics = z.strictObject({ items: z.array(DiagnosticOutput) });
export type AgentDiagnostics = z.infer<typeof AgentDiagnostics>;

/** Body of POST /api/v1/hosts/:hostId/problem-report: the instances whose configs go in. */
export const ProblemReportRequest = z.strictObject({
  instanceIds: z.array(z.uuid()).max(50).default([]),
});
export type ProblemReportRequest = z.infer<typeof ProblemReportRequest>;
