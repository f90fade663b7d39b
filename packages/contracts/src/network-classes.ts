import { z } from 'zod';
import { FirewallSetMember } from './firewall.js';
import { MetricsRange } from './metrics.js';

/** Traffic to or from an address that no class covers counts here, so the classes add up. */
export const OTHER_CLASS = 'other';

/** It names nft counters and sets (`cls_<name>_in`): no underscore, so the name reads back. */
export const NetworkClassName = z
  .string()
  .regex(
    /^[a-z][a-z0-9-]{0,31}$/,
    'a class name: a lowercase letter, then up to 31 lowercase letters, digits or dashes',
  )
  .refine((n) => n !== OTHER_CLASS, `${OTHER_CLASS} is the built-in class of what no class covers`);

export const NetworkClass = z
  .object({
    name: NetworkClassName,
    /**
     * IPv4 and IPv6 networks, mixed as needed; they may overlap one another and other classes'
     * (the first class wins).
     */
    ranges: z.array(FirewallSetMember).min(1).max(64),
  })
  .strict();
export type NetworkClass = z.infer<typeof NetworkClass>;

/**
 * The host's classes in order: a packet counts in the first class whose ranges hold the other
 * end's address (the destination of what an instance sends, the source of what it gets).
 */
export const NetworkClasses = z
  .object({ classes: z.array(NetworkClass).max(16) })
  .strict()
  .superRefine((v, ctx) => {
    const seen = new Set<string>();
    v.classes.forEach((c, i) => {
      if (seen.has(c.name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['classes', i, 'name'],
          message: `there is already a class named ${c.name}`,
        });
      }
      seen.add(c.name);
    });
  });
export type NetworkClasses = z.infer<typeof NetworkClasses>;
export type NetworkClassesInput = z.input<typeof NetworkClasses>;

/**
 * Bytes counted since the instance's table was last made (its start, an agent start, a class
 * change): IP bytes, headers included, Ethernet not. `in` is what the instance got, `out` what
 * it sent, counted before its firewall rules.
 */
export const ClassCounter = z
  .object({
    class: z.string(),
    inBytes: z.number().int().nonnegative(),
    outBytes: z.number().int().nonnegative(),
    inPackets: z.number().int().nonnegative(),
    outPackets: z.number().int().nonnegative(),
  })
  .strict();
export type ClassCounter = z.infer<typeof ClassCounter>;

export const InstanceClassCounters = z
  .object({
    instanceId: z.string(),
    /** When its table was made, so counters starting again from zero are told apart. */
    since: z.string().datetime(),
    classes: z.array(ClassCounter),
  })
  .strict();
export type InstanceClassCounters = z.infer<typeof InstanceClassCounters>;

/** Every instance's class counters, read in one nft call. */
export const ClassCounterList = z.object({ items: z.array(InstanceClassCounters) }).strict();
export type ClassCounterList = z.infer<typeof ClassCounterList>;

/** Bytes of one class over a range, with the stored steps it sums (bytes per step, not rates). */
export const ClassTrafficTotal = z
  .object({
    class: z.string(),
    inBytes: z.number().nonnegative(),
    outBytes: z.number().nonnegative(),
    points: z
      .object({
        t: z.array(z.number().int()),
        inBytes: z.array(z.number()),
        outBytes: z.array(z.number()),
      })
      .strict(),
  })
  .strict();
export type ClassTrafficTotal = z.infer<typeof ClassTrafficTotal>;

export const TrafficQuery = z.object({ range: MetricsRange.default('1d') }).strict();

/**
 * An instance's traffic by class: the live counters (null when it has no bridged table) and the
 * stored history over the range (read every 30 s, in the range's tier).
 */
export const InstanceTraffic = z
  .object({
    live: InstanceClassCounters.nullable(),
    range: MetricsRange,
    /** Seconds per stored point. */
    step: z.number().int(),
    history: z.array(ClassTrafficTotal),
  })
  .strict();
export type InstanceTraffic = z.infer<typeof InstanceTraffic>;
