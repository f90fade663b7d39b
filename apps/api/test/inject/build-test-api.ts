import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import type { Role } from '@berth/contracts';
import { buildApi, type RouteEntry } from '../../src/app.js';
import type { ApiConfig } from '../../src/config.js';
import type { Auth } from '../../src/modules/auth/auth.service.js';
import { openTestDatabase } from '../test-db.js';
import { FakeAgent } from './fake-agent.js';

export const FAKE_AGENT_URL = 'http://fake-agent';

export interface TestApi {
  app: FastifyInstance;
  routes: RouteEntry[];
  auth: Auth;
  /** The local host's agent. */
  agent: FakeAgent;
  /** Every host's agent, by URL (more hosts are added with `extraHosts`). */
  agents: Map<string, FakeAgent>;
  /** Bearer headers for a user of each role, made on first use. */
  as(role: Role): Promise<Record<string, string>>;
  inject(opts: InjectOptions): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/** The API on a throwaway database with fake agents: no network, no host, no root. */
export async function buildTestApi(
  opts: { extraHosts?: string[]; config?: Partial<ApiConfig> } = {},
): Promise<TestApi> {
  const { db, close } = await openTestDatabase();
  for (const url of opts.extraHosts ?? []) {
    await db.host.create({ data: { name: new URL(url).hostname, url, agentToken: 'fake' } });
  }
  const agents = new Map<string, FakeAgent>();
  const config: ApiConfig = {
    host: '127.0.0.1',
    port: 0,
    databaseUrl: 'file:unused',
    localAgent: { url: FAKE_AGENT_URL, token: 'fake' },
    initialAdminPassword: 'inject-admin-password',
    dataDir: '/nonexistent',
    secureCookies: false,
    sessionHours: 1,
    webDir: null,
    allowedOrigins: [],
    ...opts.config,
  };
  const { app, routes, auth } = await buildApi(config, db, {
    connectAgent: (host) => {
      const agent = new FakeAgent(host.url);
      agents.set(host.url, agent);
      return agent;
    },
  });
  await app.ready();
  const tokens = new Map<Role, Record<string, string>>();
  return {
    app,
    routes,
    auth,
    agent: agents.get(FAKE_AGENT_URL)!,
    agents,
    async as(role) {
      const known = tokens.get(role);
      if (known) return known;
      const user = await db.user.create({
        data: { username: `inject-${role}`, passwordHash: 'x', role },
      });
      const { token } = await auth.createToken(
        { id: user.id, username: role, role, via: 'session' },
        `inject-${role}`,
      );
      const headers = { authorization: `Bearer ${token}` };
      tokens.set(role, headers);
      return headers;
    },
    inject: (o) => app.inject(o),
    async close() {
      await app.close();
      await close();
    },
  };
}
