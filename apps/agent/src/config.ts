import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ResourceName, Ipv4Cidr } from '@berth/contracts';

export interface AgentConfig {
  dataDir: string;
  /** OS template caches; may be shared between agents (tests reuse one debian-12 build). */
  templateDir: string;
  host: string;
  port: number;
  token: string;
  bridge: string;
  /** The host's address on the bridge with its prefix; containers get addresses from this subnet. */
  bridgeCidr: string;
  /**
   * The ports instances must not reach on the host (the API's and this agent's), kept off by a
   * firewall table per bridge; empty when the operator lets instances reach them.
   */
  guardedPorts: number[];
  maxIsoBytes: number;
  isoQuotaBytes: number;
  /** How long a shell with nobody attached waits for someone to re-attach before it is ended. */
  shellIdleMs: number;
  /** The accelerator VMs get; 'auto' lets the agent find out whether KVM works. */
  accel: 'kvm' | 'tcg' | 'auto';
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
  /** Where debootstrap fetches Debian from when a debian-12 template is built. */
  debianMirror: string;
  /**
   * Test-only: a journal step name (ct.create.unpack, …) at which the agent kills itself
   * with SIGKILL, so fault drills can stop it at an exact point. Never set in production.
   */
  failpoint: string | null;
}

export const lxcPath = (c: AgentConfig) => path.join(c.dataDir, 'lxc');
export const imageDir = (c: AgentConfig) => path.join(c.dataDir, 'images');

const whole = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number().int().min(min).max(max);

/** Every variable the agent reads, with its default; an empty value counts as unset. */
const Env = z.object({
  BERTH_AGENT_DATA_DIR: z.string().default('/var/lib/berth/agent'),
  BERTH_AGENT_TEMPLATE_DIR: z.string().optional(),
  BERTH_AGENT_HOST: z.string().default('127.0.0.1'),
  BERTH_AGENT_PORT: whole(1, 65535).default(8091),
  BERTH_AGENT_TOKEN: z.string().optional(),
  // An interface name: at most 15 bytes.
  BERTH_AGENT_BRIDGE: ResourceName.max(15).default('berth0'),
  BERTH_AGENT_BRIDGE_CIDR: Ipv4Cidr.default('10.210.0.1/24'),
  /** The API's port on this server, which instances may not reach unless allowed below. */
  BERTH_AGENT_API_PORT: whole(1, 65535).default(8080),
  BERTH_AGENT_ALLOW_INSTANCES_TO_API: z.enum(['0', '1']).default('0'),
  BERTH_AGENT_MAX_ISO_BYTES: whole(1).default(16 * 1024 ** 3),
  /** All ISOs together, unless the API's setting for this host says otherwise. */
  BERTH_AGENT_ISO_QUOTA_BYTES: whole(1).default(64 * 1024 ** 3),
  BERTH_AGENT_SHELL_IDLE_SECONDS: z.coerce.number().positive().default(300),
  BERTH_AGENT_ACCEL: z.enum(['kvm', 'tcg', 'auto']).default('auto'),
  BERTH_AGENT_LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace'])
    .default('info'),
  BERTH_DEBIAN_MIRROR: z.url().default('http://deb.debian.org/debian'),
  BERTH_AGENT_FAILPOINT: z
    .string()
    .regex(/^[a-z0-9.-]+$/)
    .optional(),
});

/** Reads BERTH_AGENT_* variables; the token is generated once and kept in the data dir. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AgentConfig {
  const present = Object.fromEntries(
    Object.keys(Env.shape).flatMap((key) => (env[key] ? [[key, env[key]]] : [])),
  );
  const parsed = Env.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (i) => `  ${i.path.join('.')}=${JSON.stringify(present[String(i.path[0])])}: ${i.message}`,
    );
    throw new Error(`the agent's environment is not valid:\n${problems.join('\n')}`);
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.BERTH_AGENT_DATA_DIR);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  return {
    dataDir,
    templateDir: path.resolve(e.BERTH_AGENT_TEMPLATE_DIR ?? path.join(dataDir, 'templates')),
    host: e.BERTH_AGENT_HOST,
    port: e.BERTH_AGENT_PORT,
    token: e.BERTH_AGENT_TOKEN ?? readOrCreateToken(path.join(dataDir, 'agent.token')),
    bridge: e.BERTH_AGENT_BRIDGE,
    bridgeCidr: e.BERTH_AGENT_BRIDGE_CIDR,
    guardedPorts:
      e.BERTH_AGENT_ALLOW_INSTANCES_TO_API === '1'
        ? []
        : [...new Set([e.BERTH_AGENT_API_PORT, e.BERTH_AGENT_PORT])],
    maxIsoBytes: e.BERTH_AGENT_MAX_ISO_BYTES,
    isoQuotaBytes: e.BERTH_AGENT_ISO_QUOTA_BYTES,
    shellIdleMs: e.BERTH_AGENT_SHELL_IDLE_SECONDS * 1000,
    accel: e.BERTH_AGENT_ACCEL,
    logLevel: e.BERTH_AGENT_LOG_LEVEL,
    debianMirror: e.BERTH_DEBIAN_MIRROR,
    failpoint: e.BERTH_AGENT_FAILPOINT ?? null,
  };
}

function readOrCreateToken(file: string): string {
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const token = randomBytes(32).toString('base64url');
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return token;
}
