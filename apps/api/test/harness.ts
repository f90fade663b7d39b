import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase, type PrismaClient } from '@berth/db';
import type { ApiEvent, Task } from '@berth/contracts';
import { readEventStream } from '@berth/fastify-kit';
import { buildApi } from '../src/app.js';
import type { ApiConfig } from '../src/config.js';
import type { FastifyInstance } from 'fastify';
import { browserSession } from './browser-session.js';
import { freePort } from './free-port.js';
import { drawInLane } from './lane.js';
import { tidyVmRemains } from './vm-remains.js';
import { until } from './wait.js';

const AGENT_MAIN = fileURLToPath(new URL('../../agent/dist/main.js', import.meta.url));
export const ADMIN_PASSWORD = 'test-admin-password';

/** Template caches survive between runs so debian-12 is built once per machine, not per test file. */
const TEMPLATE_DIR = process.env.BERTH_TEST_TEMPLATE_DIR ?? '/var/cache/berth-test/templates';

export interface Agent {
  url: string;
  token: string;
  dataDir: string;
  bridge: string;
  process: ChildProcess;
  /** Resolves when the process has ended, however (a failpoint ends it with SIGKILL). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
  /** kill -9: the agent gets no chance to tidy anything. */
  kill(): Promise<void>;
}

/** Starts the real agent as its own process, the way production runs it. */
export async function startAgent(opts: {
  dataDir: string;
  port: number;
  token: string;
  bridge: string;
  cidr: string;
  env?: Record<string, string>;
  /** How long it may take to answer: it rediscovers every running container first. */
  upTimeoutMs?: number;
}): Promise<Agent> {
  const child = spawn(process.execPath, [AGENT_MAIN], {
    env: {
      ...process.env,
      BERTH_AGENT_DATA_DIR: opts.dataDir,
      BERTH_AGENT_TEMPLATE_DIR: TEMPLATE_DIR,
      BERTH_AGENT_PORT: String(opts.port),
      BERTH_AGENT_TOKEN: opts.token,
      BERTH_AGENT_BRIDGE: opts.bridge,
      BERTH_AGENT_BRIDGE_CIDR: opts.cidr,
      ...opts.env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
    detached: true,
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const url = `http://127.0.0.1:${opts.port}`;
  try {
    await until(
      'the agent to come up',
      async () => {
        if (child.exitCode !== null) throw new Error(`agent exited with ${child.exitCode}`);
        const res = await fetch(`${url}/v1/facts`, {
          headers: { authorization: `Bearer ${opts.token}` },
        }).catch(() => null);
        return res?.ok;
      },
      opts.upTimeoutMs ?? 30_000,
    );
  } catch (err) {
    // A live child keeps this test file's process from ending: the file would then hang to
    // the runner's timeout instead of failing now with the reason.
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
    throw err;
  }
  return {
    url,
    token: opts.token,
    dataDir: opts.dataDir,
    bridge: opts.bridge,
    process: child,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

export interface Stack {
  api: FastifyInstance;
  db: PrismaClient;
  agent: Agent;
  baseUrl: string;
  dir: string;
  /** Bearer token of the admin, for scripts-style calls. */
  token: string;
  call<T = unknown>(
    method: string,
    url: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: T }>;
  /**
   * Stops the agent (kill -9 with kill: true; nothing when it already died) and starts a new
   * one on the same data dir and port; env replaces the extra environment given at start.
   */
  restartAgent(opts?: {
    kill?: boolean;
    env?: Record<string, string>;
    upTimeoutMs?: number;
  }): Promise<void>;
  close(): Promise<void>;
}

/**
 * A random /24 for a stack's bridge. Files that make networks of their own use other second
 * octets, one per file (10.214–10.238), so that lanes running together never share one.
 */
export function stackCidr(): string {
  return `10.213.${drawInLane(20, 220)}.1/24`;
}

/** The real stack on this machine: agent process, API listening on a free port, a fresh SQLite file. */
export async function startStack(
  name: string,
  opts: {
    cidr?: string;
    agentEnv?: Record<string, string>;
    /** The agent's data dir, when the test prepared one (a small filesystem, say). */
    agentDataDir?: string;
  } = {},
): Promise<Stack> {
  const dir = await mkdtemp(path.join(tmpdir(), `berth-${name}-`));
  const agentPort = await freePort();
  const apiPort = await freePort();
  const agentOpts = {
    dataDir: opts.agentDataDir ?? path.join(dir, 'agent'),
    port: agentPort,
    token: `agent-token-${name}`,
    // One bridge per test file keeps files' containers apart; names stay under 15 chars.
    bridge: `bt-${name}`.slice(0, 15),
    cidr: opts.cidr ?? stackCidr(),
    // The agent's firewall keeps this bridge's instances off this API's port.
    env: { BERTH_AGENT_API_PORT: String(apiPort), ...opts.agentEnv },
  };
  let agent = await startAgent(agentOpts);
  let app: FastifyInstance | undefined;
  let db: PrismaClient | undefined;
  try {
    return await finishStack();
  } catch (err) {
    // A live agent, API or database keeps this test file's process from ending: the file
    // would hang to the runner's timeout instead of failing now with the reason.
    await app?.close().catch(() => undefined);
    await db?.$disconnect().catch(() => undefined);
    await agent.stop();
    throw err;
  }

  async function finishStack(): Promise<Stack> {
    const config: ApiConfig = {
      // In-process and plain HTTP: these tests are about instances, not transport (the API
      // process tests and the e2e suite run over HTTPS).
      listen: ['127.0.0.1'],
      port: apiPort,
      tls: null,
      databaseUrl: `file:${path.join(dir, 'berth.db')}`,
      localAgent: { url: agent.url, token: agent.token },
      initialAdminPassword: ADMIN_PASSWORD,
      dataDir: dir,
      secureCookies: false,
      sessionHours: 1,
      webDir: fileURLToPath(new URL('../../web/out/', import.meta.url)),
      allowedOrigins: [],
    };
    const database = (db = await openDatabase(config.databaseUrl));
    const server = (app = (await buildApi(config, database)).app);
    await server.listen({ host: '127.0.0.1', port: config.port });
    const baseUrl = `http://127.0.0.1:${config.port}`;

    const raw = async <T>(
      method: string,
      url: string,
      body?: unknown,
      headers: Record<string, string> = {},
    ) => {
      const res = await fetch(`${baseUrl}${url}`, {
        method,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        body:
          body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await res.text();
      return {
        status: res.status,
        body: (text ? JSON.parse(text) : undefined) as T,
        headers: res.headers,
      };
    };
    const login = await fetch(`${baseUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
    });
    const created = await raw<{ token: string }>(
      'POST',
      '/api/v1/auth/tokens',
      { name: 'tests' },
      browserSession(login, baseUrl),
    );
    const token = created.body.token;

    const stack: Stack = {
      api: server,
      db: database,
      agent,
      baseUrl,
      dir,
      token,
      call: (method, url, body, headers) =>
        raw(method, url, body, { authorization: `Bearer ${token}`, ...headers }),
      async restartAgent(restart = {}) {
        if (restart.kill) await agent.kill();
        else await agent.stop();
        if (restart.env) agentOpts.env = { BERTH_AGENT_API_PORT: String(apiPort), ...restart.env };
        agent = await startAgent({ ...agentOpts, upTimeoutMs: restart.upTimeoutMs });
        stack.agent = agent;
      },
      async close() {
        const list = await stack.call<{ items: Array<{ id: string }> }>('GET', '/api/v1/instances');
        for (const i of list.body?.items ?? []) {
          // An operation still running on it (a graceful stop, say) refuses the delete: wait it out.
          await until(
            `${i.id} to be deleted`,
            async () => {
              const res = await stack.call<{ error?: { message: string } }>(
                'DELETE',
                `/api/v1/instances/${i.id}?force=true&sync=true`,
              );
              return res.status !== 409 || !/in progress/.test(res.body?.error?.message ?? '');
            },
            120_000,
            1000,
          ).catch(() => undefined);
        }
        await server.close();
        await database.$disconnect();
        await agent.stop();
        await tidyVmRemains(path.join(agent.dataDir, 'vms'));
        // The agent's DHCP server for VMs outlives it by design; the tests' one goes with the test.
        const dhcp = Number(
          await readFile(path.join(agent.dataDir, 'dnsmasq.pid'), 'utf8').catch(() => '0'),
        );
        if (dhcp > 0) {
          try {
            process.kill(dhcp, 'SIGTERM');
          } catch {
            // already gone
          }
        }
        await rm(dir, { recursive: true, force: true });
        // The agent leaves its bridge, NAT and guard tables up on purpose (containers outlive it);
        // tests tidy up.
        const table = `berth_${agentOpts.bridge.replace(/-/g, '_')}`;
        for (const args of [
          ['ip', 'link', 'del', agentOpts.bridge],
          ['nft', 'delete', 'table', 'ip', table],
          ['nft', 'delete', 'table', 'inet', `${table}_guard`],
          // Instance firewalls of containers the test did not delete through the API.
          ...execFileSync('nft', ['list', 'tables', 'bridge'], { encoding: 'utf8' })
            .split('\n')
            .map((l) => l.trim().split(' ')[2] ?? '')
            .filter((t) => t.startsWith(`${table}_fw_`))
            .map((t) => ['nft', 'delete', 'table', 'bridge', t]),
        ]) {
          try {
            execFileSync(args[0] as string, args.slice(1), { stdio: 'ignore' });
          } catch {
            // already gone
          }
        }
      },
    };
    return stack;
  }
}

/** Waits for a task to end through the API's long-poll. */
export async function waitTask(stack: Stack, id: string): Promise<Task> {
  for (;;) {
    const { body } = await stack.call<Task>('GET', `/api/v1/tasks/${id}?wait=true`);
    if (body.status === 'succeeded' || body.status === 'failed') return body;
  }
}

/** Collects the API's event stream in the background. */
export function collectEvents(stack: Stack): {
  events: ApiEvent[];
  stop(): void;
  waitFor(p: (e: ApiEvent) => boolean, ms?: number): Promise<ApiEvent>;
} {
  const events: ApiEvent[] = [];
  const abort = new AbortController();
  const listeners = new Set<() => void>();
  void fetch(`${stack.baseUrl}/api/v1/events`, {
    headers: { authorization: `Bearer ${stack.token}` },
    signal: abort.signal,
  })
    .then((res) =>
      readEventStream(res.body!, (data) => {
        events.push(data as ApiEvent);
        for (const l of listeners) l();
      }),
    )
    .catch(() => undefined);
  return {
    events,
    stop: () => abort.abort(),
    waitFor: (p, ms = 20_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const found = events.find(p);
          if (found) {
            listeners.delete(check);
            clearTimeout(timer);
            resolve(found);
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(
            new Error(`no matching event in ${ms} ms; saw ${events.map((e) => e.type).join(', ')}`),
          );
        }, ms);
        listeners.add(check);
        check();
      }),
  };
}
