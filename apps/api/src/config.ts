import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { DEFAULT_LOGIN_LIMITS, type LoginLimits } from './modules/auth/login-throttle.js';
import type { RefusalLimits } from './modules/consoles/refusals.js';
import { DEFAULT_CONSOLE_LIMITS, type ConsoleLimits } from './modules/consoles/console-caps.js';

/** How the API serves: a certificate it made itself, the operator's own, or (asked for) plain HTTP. */
export type TlsSetting = { selfSigned: true } | { certFile: string; keyFile: string } | null;

export interface ApiConfig {
  /** The addresses it listens on, all on the one port. */
  listen: string[];
  port: number;
  /** null: plain HTTP, only when BERTH_HTTP=1 asks for it. */
  tls: TlsSetting;
  databaseUrl: string;
  /** The agent on this server, registered as the first host. */
  localAgent: { url: string; token: string } | null;
  /** Password for the first admin when none exists yet; generated when unset. */
  initialAdminPassword: string | undefined;
  dataDir: string;
  /** Send the session cookie only over HTTPS (always so when the API serves HTTPS itself). */
  secureCookies: boolean;
  sessionHours: number;
  /** A session unused this long ends; 30 when left out. */
  sessionIdleMinutes?: number;
  /** The web UI's static export, served from the same origin; null leaves the API alone. */
  webDir: string | null;
  /** Other origins whose pages may open consoles (embedding tools); the API's own always may. */
  allowedOrigins: string[];
  /** Failed-login throttling; the defaults when left out. */
  loginLimits?: LoginLimits;
  /**
   * Addresses of reverse proxies whose X-Forwarded-For is believed. None by default: Berth
   * answers browsers itself, and a believed header would let anyone dodge the per-address limits.
   */
  trustedProxies?: string[];
  /** Refused console attempts audited one by one per address before a 429; defaults when left out. */
  consoleRefusalLimits?: RefusalLimits;
  /** Console sockets per user and per shell, unused tickets per user; defaults when left out. */
  consoleLimits?: ConsoleLimits;
}

// An empty variable counts as unset, the way shells and unit files usually leave them.
const text = () =>
  z
    .string()
    .optional()
    .transform((s) => (s === '' ? undefined : s));
const url = (what: string) =>
  text().refine((s) => s === undefined || URL.canParse(s), `must be a URL (${what})`);
const numberIn = (min: number, max: number, integer: boolean) =>
  text().pipe(
    (integer ? z.coerce.number<string>().int() : z.coerce.number<string>())
      .min(min)
      .max(max)
      .optional(),
  );
const flag = text().refine((s) => s === undefined || s === '0' || s === '1', 'must be 0 or 1');
const origins = text().refine(
  (s) =>
    (s ?? '')
      .split(',')
      .filter(Boolean)
      .every((o) => URL.canParse(o)),
  'must be a comma-separated list of origins like https://tools.example.com',
);

const Env = z
  .object({
    BERTH_DATA_DIR: text(),
    BERTH_API_LISTEN: text().refine(
      (s) => (s ?? '0.0.0.0').split(',').every((a) => isIP(a) !== 0),
      'must be a comma-separated list of IP addresses, like 127.0.0.1,192.168.1.5 (0.0.0.0 or :: for all)',
    ),
    BERTH_API_PORT: numberIn(0, 65535, true),
    BERTH_DATABASE_URL: text().refine(
      (s) => s === undefined || /^(file:|postgres(ql)?:\/\/)/.test(s),
      'must start with file: or postgresql://',
    ),
    BERTH_LOCAL_AGENT_URL: url('the local agent, like http://127.0.0.1:8091'),
    BERTH_LOCAL_AGENT_TOKEN: text(),
    BERTH_LOCAL_AGENT_TOKEN_FILE: text(),
    BERTH_ADMIN_PASSWORD: text(),
    BERTH_SECURE_COOKIES: flag,
    BERTH_HTTP: flag,
    BERTH_TLS_CERT: text(),
    BERTH_TLS_KEY: text(),
    BERTH_SESSION_HOURS: numberIn(0.01, 24 * 365, false),
    BERTH_SESSION_IDLE_MINUTES: numberIn(1, 365 * 24 * 60, true),
    BERTH_ALLOWED_ORIGINS: origins,
    BERTH_TRUSTED_PROXIES: text().refine(
      (s) =>
        (s ?? '')
          .split(',')
          .filter(Boolean)
          .every((a) => /^[0-9a-fA-F.:/]+$/.test(a)),
      'must be a comma-separated list of addresses or CIDRs, like 127.0.0.1,10.0.0.0/8',
    ),
    BERTH_WEB_DIR: text(),
    BERTH_LOGIN_ACCOUNT_FAILURES: numberIn(1, 1000, true),
    BERTH_LOGIN_ADDRESS_FAILURES: numberIn(1, 100_000, true),
    BERTH_LOGIN_FIRST_DELAY_SECONDS: numberIn(1, 3600, true),
    BERTH_LOGIN_MAX_DELAY_SECONDS: numberIn(1, 7 * 86400, true),
    BERTH_LOGIN_FORGET_MINUTES: numberIn(1, 7 * 24 * 60, true),
    BERTH_CONSOLE_MAX_PER_USER: numberIn(1, 10_000, true),
    BERTH_CONSOLE_MAX_PER_SHELL: numberIn(1, 10_000, true),
    BERTH_CONSOLE_MAX_TICKETS: numberIn(1, 10_000, true),
  })
  .refine((e) => (e.BERTH_TLS_CERT === undefined) === (e.BERTH_TLS_KEY === undefined), {
    message: 'BERTH_TLS_CERT and BERTH_TLS_KEY go together: the certificate and its key',
    path: ['BERTH_TLS_CERT'],
  })
  .refine((e) => !(e.BERTH_HTTP === '1' && e.BERTH_TLS_CERT !== undefined), {
    message: 'BERTH_HTTP=1 serves plain HTTP: leave BERTH_TLS_CERT and BERTH_TLS_KEY unset with it',
    path: ['BERTH_HTTP'],
  });

/** Reads the API's settings from BERTH_* variables; a bad value stops the start with its name. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.BERTH_DATA_DIR ?? '/var/lib/berth');
  const tokenFile = e.BERTH_LOCAL_AGENT_TOKEN_FILE ?? path.join(dataDir, 'agent', 'agent.token');
  const token = e.BERTH_LOCAL_AGENT_TOKEN ?? readToken(tokenFile);
  const tls: TlsSetting =
    e.BERTH_HTTP === '1'
      ? null
      : e.BERTH_TLS_CERT !== undefined && e.BERTH_TLS_KEY !== undefined
        ? { certFile: path.resolve(e.BERTH_TLS_CERT), keyFile: path.resolve(e.BERTH_TLS_KEY) }
        : { selfSigned: true };
  return {
    listen: [...new Set((e.BERTH_API_LISTEN ?? '0.0.0.0').split(','))],
    port: e.BERTH_API_PORT ?? 8080,
    tls,
    databaseUrl: e.BERTH_DATABASE_URL ?? `file:${path.join(dataDir, 'berth.db')}`,
    localAgent: token ? { url: e.BERTH_LOCAL_AGENT_URL ?? 'http://127.0.0.1:8091', token } : null,
    initialAdminPassword: e.BERTH_ADMIN_PASSWORD,
    dataDir,
    secureCookies: e.BERTH_SECURE_COOKIES === '1' || tls !== null,
    sessionHours: e.BERTH_SESSION_HOURS ?? 12,
    sessionIdleMinutes: e.BERTH_SESSION_IDLE_MINUTES ?? 30,
    allowedOrigins: (e.BERTH_ALLOWED_ORIGINS ?? '').split(',').filter(Boolean),
    trustedProxies: (e.BERTH_TRUSTED_PROXIES ?? '').split(',').filter(Boolean),
    webDir: e.BERTH_WEB_DIR ?? fileURLToPath(new URL('../../web/out/', import.meta.url)),
    loginLimits: {
      accountFailures: e.BERTH_LOGIN_ACCOUNT_FAILURES ?? DEFAULT_LOGIN_LIMITS.accountFailures,
      addressFailures: e.BERTH_LOGIN_ADDRESS_FAILURES ?? DEFAULT_LOGIN_LIMITS.addressFailures,
      firstDelaySeconds:
        e.BERTH_LOGIN_FIRST_DELAY_SECONDS ?? DEFAULT_LOGIN_LIMITS.firstDelaySeconds,
      maxDelaySeconds: e.BERTH_LOGIN_MAX_DELAY_SECONDS ?? DEFAULT_LOGIN_LIMITS.maxDelaySeconds,
      forgetMinutes: e.BERTH_LOGIN_FORGET_MINUTES ?? DEFAULT_LOGIN_LIMITS.forgetMinutes,
    },
    consoleLimits: {
      perUser: e.BERTH_CONSOLE_MAX_PER_USER ?? DEFAULT_CONSOLE_LIMITS.perUser,
      perConsole: e.BERTH_CONSOLE_MAX_PER_SHELL ?? DEFAULT_CONSOLE_LIMITS.perConsole,
      unusedTickets: e.BERTH_CONSOLE_MAX_TICKETS ?? DEFAULT_CONSOLE_LIMITS.unusedTickets,
    },
  };
}

/** The agent writes its token on first start; an API started before it has no local host yet. */
function readToken(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}
