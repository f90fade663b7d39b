import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import type { BuiltinRole, Grant, Permission } from '@berth/contracts';
import type { PrismaClient } from '@berth/db';
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
  db: PrismaClient;
  /** Bearer headers for a user holding one built-in role over the whole console, made on first use. */
  as(role: BuiltinRole): Promise<Record<string, string>>;
  /** A new user with these grants, and bearer headers for a token of theirs (optionally cut down). */
  userWith(
    username: string,
    grants: Array<Omit<Grant, 'scopeValue'> & { scopeValue?: string }>,
    tokenPermissions?: Permission[],
  ): Promise<{ id: string; headers: Record<string, string> }>;
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
    listen: ['127.0.0.1'],
    port: 0,
    tls: null,
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
  const tokens = new Map<BuiltinRole, Record<string, string>>();
  const userWith: TestApi['userWith'] = async (username, grants, tokenPermissions) => {
    const user = await db.user.create({
      data: {
        username,
        passwordHash: 'x',
        grants: {
          create: grants.map((g) => ({ ...g, scopeValue: g.scopeValue ?? '' })),
        },
      },
    });
    // A token is made from a session, so the creator is that user logged in.
    const me = await auth.principalFor(user.id, 'session');
    const { token } = await auth.createToken(me, {
      name: `inject-${username}`,
      permissions: tokenPermissions,
    });
    return { id: user.id, headers: { authorization: `Bearer ${token}` } };
  };
  return {
    app,
    routes,
    auth,
    db,
    agent: agents.get(FAKE_AGENT_URL)!,
    agents,
    userWith,
    async as(role) {
      const known = tokens.get(role);
      if (known) return known;
      const { headers } = await userWith(`inject-${role}`, [{ role, scope: 'all' }]);
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
