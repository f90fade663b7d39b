/**
 * How long to wait before reconnect attempt `attempt` (0-based): doubling from `minMs`, capped
 * at `maxMs`, with ±20 % jitter so that many tabs dropped together do not come back in step.
 */
export const backoffDelay = (attempt: number, minMs = 1_000, maxMs = 30_000) =>
  Math.min(maxMs, minMs * 2 ** attempt) * (0.8 + Math.random() * 0.4);
