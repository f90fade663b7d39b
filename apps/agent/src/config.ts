import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
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
  maxIsoBytes: number;
  /** How long a shell with nobody attached waits for someone to re-attach before it is ended. */
  shellIdleMs: number;
}

export const lxcPath = (c: AgentConfig) => path.join(c.dataDir, 'lxc');
export const imageDir = (c: AgentConfig) => path.join(c.dataDir, 'images');

/** Reads BERTH_AGENT_* variables; the token is generated once and kept in the data dir. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AgentConfig {
  const dataDir = path.resolve(env.BERTH_AGENT_DATA_DIR ?? '/var/lib/berth/agent');
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const bridge = ResourceName.max(15).parse(env.BERTH_AGENT_BRIDGE ?? 'berth0');
  const bridgeCidr = Ipv4Cidr.parse(env.BERTH_AGENT_BRIDGE_CIDR ?? '10.210.0.1/24');
  return {
    dataDir,
    templateDir: path.resolve(env.BERTH_AGENT_TEMPLATE_DIR ?? path.join(dataDir, 'templates')),
    host: env.BERTH_AGENT_HOST ?? '127.0.0.1',
    port: Number(env.BERTH_AGENT_PORT ?? 8091),
    token: env.BERTH_AGENT_TOKEN ?? readOrCreateToken(path.join(dataDir, 'agent.token')),
    bridge,
    bridgeCidr,
    maxIsoBytes: Number(env.BERTH_AGENT_MAX_ISO_BYTES ?? 16 * 1024 ** 3),
    shellIdleMs: Number(env.BERTH_AGENT_SHELL_IDLE_SECONDS ?? 300) * 1000,
  };
}

function readOrCreateToken(file: string): string {
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const token = randomBytes(32).toString('base64url');
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return token;
}
