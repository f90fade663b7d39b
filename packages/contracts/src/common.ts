import { z } from 'zod';

/**
 * Names reach host commands (as arguments, never through a shell) and file paths,
 * so they are restricted to a hostname-like alphabet: no spaces, slashes or shell
 * metacharacters, and no leading dash that a tool could read as an option.
 */
export const ResourceName = z
  .string()
  .min(1)
  .max(63)
  .regex(
    /^[a-zA-Z0-9][a-zA-Z0-9-]*$/,
    'use letters, digits and dashes, starting with a letter or digit',
  );

export const Hostname = z
  .string()
  .min(1)
  .max(253)
  .regex(
    /^[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/,
    'must be a valid hostname',
  );

export const Uuid = z.uuid();

export const Ipv4 = z.ipv4();

/** One octet in its only spelling: no leading zeros, which some tools read as octal. */
const OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';

/**
 * An IPv4 address with its prefix length, e.g. 10.0.3.5/24, in one spelling only: a second
 * spelling of the same address slips past duplicate checks and lands in host configs that
 * refuse it.
 */
export const Ipv4Cidr = z
  .string()
  .regex(/^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\/\d{1,2}$/, {
    message: 'must look like 10.0.3.5/24',
    abort: true,
  })
  .regex(
    new RegExp(`^${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}/([89]|[12][0-9]|30)$`),
    'octets must be 0-255 and the prefix 8-30, written without leading zeros',
  );

/** Whole decimal numbers as text, written one way only: no sign, spaces, exponent or leading zeros. */
export const CANONICAL_UINT = /^(0|[1-9][0-9]*)$/;

/**
 * A whole number in a query string (query values arrive as text). Only its canonical decimal
 * spelling is read: `z.coerce` would also take " 5", "1e3", "0o5" and "0x5".
 */
export const queryInt = (min: number, max: number) =>
  z
    .string()
    .regex(CANONICAL_UINT, 'must be a whole number in decimal, without leading zeros')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

export const Tag = z
  .string()
  .min(1)
  .max(40)
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.:-]*$/, 'use letters, digits and _ . : -');

/** Every 4xx/5xx body from the agent and the API. */
export const ErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    issues: z
      .array(z.object({ path: z.string(), message: z.string() }))
      .optional()
      .describe('one entry per invalid field, for validation errors'),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

export const ErrorCode = {
  validation: 'validation_error',
  notFound: 'not_found',
  conflict: 'conflict',
  unauthorized: 'unauthorized',
  /** The password was right and the account has TOTP on: send it again with a code. */
  totpRequired: 'totp_required',
  forbidden: 'forbidden',
  /** A cookie-authenticated change without this origin or the session's CSRF token. */
  csrf: 'csrf',
  wrongState: 'wrong_state',
  unsupported: 'unsupported',
  hostError: 'host_error',
  agentUnreachable: 'agent_unreachable',
  /** The agent refused the API's own token: the API is misconfigured, not the caller. */
  agentRefused: 'agent_refused',
  guestAgentUnavailable: 'guest_agent_unavailable',
  gone: 'gone',
  tooLarge: 'too_large',
  /** Too many attempts (failed logins, refused console tickets): wait, then try again. */
  rateLimited: 'rate_limited',
  /** Not enough free space for the work asked: the message gives the numbers and the place. */
  insufficientSpace: 'insufficient_space',
  /** A dependency (the database, a disk that filled up mid-write) cannot serve right now. */
  unavailable: 'unavailable',
  /** Work stopped on request: what it had done was rolled back. */
  cancelled: 'cancelled',
  internal: 'internal_error',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
const ERROR_CODES: ReadonlySet<string> = new Set(Object.values(ErrorCode));
export const isErrorCode = (code: unknown): code is ErrorCode =>
  typeof code === 'string' && ERROR_CODES.has(code);

/** A request body that may be left out entirely (curl -X POST with no data): it then counts as {}. */
export const optionalBody = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => v ?? {}, schema);

/** A true/false query-string flag (query values arrive as text). */
export const queryFlag = (description: string) =>
  z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true')
    .describe(description);

/** Text for a tool's stdin or a config line: a NUL ends it early, a newline splits it. */
// eslint-disable-next-line no-control-regex
export const hasControlCharacters = (s: string): boolean => /[\x00-\x1f\x7f]/.test(s);

/** Every list answer: `{ items: [...] }`, so a list can later gain paging fields beside them. */
export const listOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) });
