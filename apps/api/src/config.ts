import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ApiConfig {
  host: string;
  port: number;
  databaseUrl: string;
  /** The agent on this server, registered as the first host. */
  localAgent: { url: string; token: string } | null;
  /** Password for the first admin when none exists yet; generated when unset. */
  initialAdminPassword: string | undefined;
  dataDir: string;
  /** Send the session cookie only over HTTPS. */
  secureCookies: boolean;
  sessionHours: number;
  /** The web UI's static export, served from the same origin; null leaves the API alone. */
  webDir: string | null;
  /** Other origins whose pages may open consoles (embedding tools); the API's own always may. */
  allowedOrigins: string[];
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  const dataDir = path.resolve(env.BERTH_DATA_DIR ?? '/var/lib/berth');
  const agentUrl = env.BERTH_LOCAL_AGENT_URL ?? 'http://127.0.0.1:8091';
  const tokenFile = env.BERTH_LOCAL_AGENT_TOKEN_FILE ?? path.join(dataDir, 'agent', 'agent.token');
  let token = env.BERTH_LOCAL_AGENT_TOKEN;
  if (!token) {
    try {
      token = readFileSync(tokenFile, 'utf8').trim();
    } catch {
      token = undefined;
    }
  }
  return {
    host: env.BERTH_API_HOST ?? '0.0.0.0',
    port: Number(env.BERTH_API_PORT ?? 8080),
    databaseUrl: env.BERTH_DATABASE_URL ?? `file:${path.join(dataDir, 'berth.db')}`,
    localAgent: token ? { url: agentUrl, token } : null,
    initialAdminPassword: env.BERTH_ADMIN_PASSWORD,
    dataDir,
    secureCookies: env.BERTH_SECURE_COOKIES === '1',
    sessionHours: Number(env.BERTH_SESSION_HOURS ?? 12),
    allowedOrigins: (env.BERTH_ALLOWED_ORIGINS ?? '').split(',').filter(Boolean),
    webDir: env.BERTH_WEB_DIR ?? fileURLToPath(new URL('../../web/out/', import.meta.url)),
  };
}
