import { z } from 'zod';

/**
 * Interactive consoles. Each is a WebSocket:
 *  - vnc:    the VM's screen, raw RFB bytes (noVNC speaks it directly);
 *  - serial: the VM's ttyS0, raw bytes both ways;
 *  - shell:  a pty in a container. Binary frames carry terminal bytes both ways; text
 *            frames carry JSON control messages (ShellClientMessage / ShellServerMessage).
 */
export const ConsoleKind = z.enum(['vnc', 'serial', 'shell']);
export type ConsoleKind = z.infer<typeof ConsoleKind>;

export const TerminalSize = z.object({
  cols: z.number().int().min(2).max(1000),
  rows: z.number().int().min(2).max(500),
});
export type TerminalSize = z.infer<typeof TerminalSize>;

/** An absolute program path inside the container; passed as one argv entry, never through a shell. */
export const ShellProgram = z
  .string()
  .max(255)
  .regex(/^\/[A-Za-z0-9._+/-]*$/, 'an absolute path like /bin/bash')
  .refine((s) => !s.split('/').includes('..'), 'the path cannot contain ".."');

/** A user name from the container's /etc/passwd. */
export const ShellUser = z
  .string()
  .max(32)
  .regex(/^[a-z_][a-z0-9_-]*\$?$/, 'a user name like root or www-data');

/** Per-container shell settings; null means the default (bash when present, else sh; root). */
export const ShellSettings = z.object({
  program: ShellProgram.nullable(),
  user: ShellUser.nullable(),
});
export type ShellSettings = z.infer<typeof ShellSettings>;

export const CreateShell = z
  .object({
    cols: TerminalSize.shape.cols.default(80),
    rows: TerminalSize.shape.rows.default(24),
  })
  .strict();
export type CreateShell = z.infer<typeof CreateShell>;

/** The API asks the agent for a shell on behalf of a user and a login (agent-only). */
export const CreateAgentShell = CreateShell.extend({
  ownerId: z.string().max(64).nullable().default(null),
  login: z
    .string()
    .max(128)
    .nullable()
    .default(null)
    .describe('the session or token it belongs to'),
}).strict();
export type CreateAgentShell = z.infer<typeof CreateAgentShell>;

/** Ends every shell a login opened (agent-only; sent on logout or token deletion). */
export const EndLoginShells = z.object({ login: z.string().min(1).max(128) }).strict();
export type EndLoginShells = z.infer<typeof EndLoginShells>;
export const EndedShells = z.object({ ended: z.number().int() });

/** A share link's page trades the link's token for a console ticket. */
export const RedeemShareLink = z.object({ token: z.string().min(1).max(200) }).strict();

export const ShellSession = z.object({
  id: z.uuid(),
  instanceId: z.uuid(),
  program: z.string(),
  user: z.string(),
  cols: z.number().int(),
  rows: z.number().int(),
  createdAt: z.iso.datetime(),
  attached: z.number().int().describe('WebSockets attached right now'),
  detachedAt: z.iso
    .datetime()
    .nullable()
    .describe('when the last WebSocket left; the session ends when nobody re-attaches in time'),
  ownerId: z.string().nullable().describe('the user who opened it'),
});
export type ShellSession = z.infer<typeof ShellSession>;

export const ShellClientMessage = z.discriminatedUnion('type', [
  TerminalSize.extend({ type: z.literal('resize') }),
]);
export type ShellClientMessage = z.infer<typeof ShellClientMessage>;

export const ShellServerMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('attached'), session: ShellSession }),
  z.object({ type: z.literal('exit'), exitCode: z.number().int().nullable() }),
]);
export type ShellServerMessage = z.infer<typeof ShellServerMessage>;

/** A shell console names its session; the screen and serial port have none. */
const shellIdMatchesKind = (t: { kind: ConsoleKind; shellId?: string }) =>
  (t.kind === 'shell') === (t.shellId !== undefined);
const shellIdRule = {
  message: 'kind "shell" needs a shellId, and only it takes one',
  path: ['shellId'],
};

export const CreateConsoleTicket = z
  .object({
    kind: ConsoleKind,
    shellId: z.uuid().optional().describe('the shell session to attach to; kind "shell" only'),
    viewOnly: z.boolean().default(false),
  })
  .strict()
  .refine(shellIdMatchesKind, shellIdRule);
export type CreateConsoleTicket = z.infer<typeof CreateConsoleTicket>;

export const ConsoleTicket = z.object({
  ticket: z.string().describe('present once, within its lifetime, as ?ticket= on the WebSocket'),
  expiresAt: z.iso.datetime(),
  path: z
    .string()
    .describe('the WebSocket path with the ticket in its query: open ws(s)://<host><path>'),
  kind: ConsoleKind,
  viewOnly: z.boolean(),
  recorded: z
    .boolean()
    .describe(
      'this console will be recorded (a recording policy covers the instance or your role)',
    ),
});
export type ConsoleTicket = z.infer<typeof ConsoleTicket>;

export const ShareMode = z.enum(['view', 'interactive']);

export const CreateShareLink = z
  .object({
    kind: ConsoleKind,
    shellId: z.uuid().optional().describe('kind "shell": the session to share'),
    mode: ShareMode.default('view'),
    expiresInMinutes: z
      .number()
      .int()
      .min(1)
      .max(7 * 24 * 60)
      .default(60),
  })
  .strict()
  .refine(shellIdMatchesKind, shellIdRule);
export type CreateShareLink = z.infer<typeof CreateShareLink>;

export const ShareLink = z.object({
  id: z.string(),
  instanceId: z.string(),
  kind: ConsoleKind,
  shellId: z.string().nullable(),
  mode: ShareMode,
  createdBy: z.string(),
  createdAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
  revokedAt: z.iso.datetime().nullable(),
  lastUsedAt: z.iso.datetime().nullable(),
  uses: z.number().int(),
});
export type ShareLink = z.infer<typeof ShareLink>;

export const CreatedShareLink = ShareLink.extend({
  token: z.string().describe('shown once'),
  url: z.string().describe('the page that opens the console: /share/#<token>'),
});
export type CreatedShareLink = z.infer<typeof CreatedShareLink>;

/** What a share link's page gets when it redeems the link. */
export const SharedConsole = ConsoleTicket.extend({
  instance: z.object({ id: z.string(), name: z.string(), kind: z.enum(['ct', 'vm']) }),
  linkExpiresAt: z.iso.datetime(),
});
export type SharedConsole = z.infer<typeof SharedConsole>;
