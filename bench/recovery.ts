/**
 * How fast Berth is back after a crash, beside a cold start measured in the same run:
 *  - the agent and the API killed with -9 under scripts/supervise.mjs, until each answers again;
 *  - the agent's start-up (rediscovery and reconciliation) on a host holding many containers
 *    and VMs, beside the same agent starting on an empty data directory.
 *
 *   node --import tsx bench/recovery.ts [containers] [vms] [rounds]
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Operation } from '@berth/contracts';
import { ADMIN_PASSWORD, startStack } from '@berth/api/harness';
import { median, ok } from './lib.js';

const containers = Number(process.argv[2] ?? 200);
const vms = Number(process.argv[3] ?? 20);
const rounds = Number(process.argv[4] ?? 5);

const root = fileURLToPath(new URL('..', import.meta.url));
const AGENT_MAIN = path.join(root, 'apps/agent/dist/main.js');
const API_MAIN = path.join(root, 'apps/api/dist/main.js');
const SUPERVISOR = path.join(root, 'scripts/supervise.mjs');
const CIDR = '10.221.0.1/21';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Milliseconds until `url` answers (any status below 500), polled every 5 ms. */
async function untilAnswering(url: string, headers: Record<string, string> = {}): Promise<number> {
  const t0 = performance.now();
  const deadline = t0 + 60_000;
  for (;;) {
    const res = await fetch(url, { headers }).catch(() => null);
    if (res && res.status < 500) return performance.now() - t0;
    if (performance.now() > deadline) throw new Error(`${url} did not answer within 60 s`);
    await sleep(5);
  }
}

const stack = await startStack('recov', { cidr: CIDR });
const agentEnv = {
  ...process.env,
  BERTH_AGENT_DATA_DIR: stack.agent.dataDir,
  BERTH_AGENT_TEMPLATE_DIR:
    process.env.BERTH_TEST_TEMPLATE_DIR ?? '/var/cache/berth-test/templates',
  BERTH_AGENT_PORT: new URL(stack.agent.url).port,
  BERTH_AGENT_TOKEN: stack.agent.token,
  BERTH_AGENT_BRIDGE: stack.agent.bridge,
  BERTH_AGENT_BRIDGE_CIDR: CIDR,
};
const agentAuth = { authorization: `Bearer ${stack.agent.token}` };
const facts = `${stack.agent.url}/v1/facts`;
const runDir = await mkdtemp(path.join(tmpdir(), 'berth-recov-run-'));

/** Starts a command under the supervisor; resolves once the service answers. */
async function supervised(name: string, command: string[], env: NodeJS.ProcessEnv, url: string) {
  const proc = spawn(
    process.execPath,
    [
      SUPERVISOR,
      '--name',
      name,
      '--run-dir',
      runDir,
      '--log',
      path.join(runDir, `${name}.log`),
      '--',
      ...command,
    ],
    { env, stdio: 'ignore' },
  );
  await untilAnswering(url, name === 'agent' ? agentAuth : {});
  const childPid = async () =>
    Number(await readFile(path.join(runDir, `${name}.child.pid`), 'utf8'));
  return {
    /** kill -9 the service; the time until it answers again under the supervisor. */
    async crash(): Promise<number> {
      process.kill(await childPid(), 'SIGKILL');
      return untilAnswering(url, name === 'agent' ? agentAuth : {});
    },
    stop: () =>
      new Promise<void>((resolve) => {
        proc.once('exit', () => resolve());
        proc.kill('SIGTERM');
      }),
  };
}

/** A cold start of the agent on a data directory: spawn until /v1/facts answers. */
async function coldAgent(dataDir: string): Promise<number> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [AGENT_MAIN], {
    env: { ...agentEnv, BERTH_AGENT_DATA_DIR: dataDir },
    stdio: 'ignore',
  });
  await untilAnswering(facts, agentAuth);
  const ms = performance.now() - t0;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
  return ms;
}

try {
  await ok(stack, 'POST', '/api/v1/templates/busybox/build?sync=true', { rebuild: false });
  if (vms > 0)
    await ok(stack, 'POST', '/api/v1/templates/tiny-linux/build?sync=true', { rebuild: false });
  // The host's population, made straight through the agent four at a time: setup, not measured.
  const create = async (body: object) => {
    const res = await fetch(`${stack.agent.url}/v1/instances`, {
      method: 'POST',
      headers: { ...agentAuth, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const { operation } = (await res.json()) as { operation?: Operation };
    if (!operation) throw new Error(`create refused: ${res.status}`);
    const done = (await (
      await fetch(`${stack.agent.url}/v1/operations/${operation.id}?waitSeconds=120`, {
        headers: agentAuth,
      })
    ).json()) as Operation;
    if (done.status !== 'succeeded') throw new Error(JSON.stringify(done.error));
  };
  const t0 = performance.now();
  const bodies = [
    ...Array.from({ length: containers }, (_, i) => ({
      kind: 'ct',
      template: 'busybox',
      name: `rc-${i}`,
      diskSizeMiB: 32,
    })),
    ...Array.from({ length: vms }, (_, i) => ({
      kind: 'vm',
      name: `rv-${i}`,
      memoryMiB: 64,
      disks: [{ template: 'tiny-linux' }],
    })),
  ];
  for (let i = 0; i < bodies.length; i += 4) await Promise.all(bodies.slice(i, i + 4).map(create));
  console.log(
    `made ${containers} containers and ${vms} VMs in ${((performance.now() - t0) / 1000).toFixed(0)} s`,
  );
  await stack.agent.stop();

  const empty = await mkdtemp(path.join(tmpdir(), 'berth-recov-empty-'));
  const full: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < rounds; i++) {
    full.push(await coldAgent(stack.agent.dataDir));
    bare.push(await coldAgent(empty));
  }
  await rm(empty, { recursive: true, force: true });

  // Each round gets a fresh supervisor, so each crash meets its first (shortest) restart delay.
  const agentBack: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const agent = await supervised('agent', [process.execPath, AGENT_MAIN], agentEnv, facts);
    agentBack.push(await agent.crash());
    await agent.stop();
  }

  const apiDir = await mkdtemp(path.join(tmpdir(), 'berth-recov-api-'));
  const apiPort = String(20_000 + Math.floor(Math.random() * 20_000));
  const apiEnv = {
    ...process.env,
    BERTH_DATA_DIR: apiDir,
    BERTH_API_LISTEN: '127.0.0.1',
    BERTH_API_PORT: apiPort,
    // Plain HTTP, as before HTTPS became the default: the health probe is global fetch, and the
    // restart time compared is the process's, not the TLS handshake's.
    BERTH_HTTP: '1',
    BERTH_LOCAL_AGENT_URL: stack.agent.url,
    BERTH_LOCAL_AGENT_TOKEN: stack.agent.token,
    BERTH_ADMIN_PASSWORD: ADMIN_PASSWORD,
  };
  const health = `http://127.0.0.1:${apiPort}/api/health`;
  const agent = await supervised('agent', [process.execPath, AGENT_MAIN], agentEnv, facts);
  const apiCold: number[] = [];
  const apiBack: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t1 = performance.now();
    const api = await supervised('api', [process.execPath, API_MAIN], apiEnv, health);
    apiCold.push(performance.now() - t1);
    apiBack.push(await api.crash());
    await api.stop();
  }
  await agent.stop();
  await rm(apiDir, { recursive: true, force: true });

  const row = (what: string, ms: number[], base: number[], baseWhat: string, target = '') =>
    console.log(
      `| ${what} | ${median(ms).toFixed(0)} ms | ${baseWhat} ${median(base).toFixed(0)} ms | ${(median(ms) / median(base)).toFixed(2)}× | ${target} |`,
    );
  console.log(`\nmedians of ${rounds} rounds`);
  console.log('| measurement | Berth | baseline (same run) | ratio | target |');
  console.log('|---|---|---|---|---|');
  row(
    `agent start with ${containers} containers + ${vms} VMs`,
    full,
    bare,
    'empty data dir',
    median(full) < 3000 ? 'under 3 s: met' : 'under 3 s: MISSED',
  );
  row('agent kill -9 → answering (supervisor)', agentBack, full, 'cold start, same host');
  row('API kill -9 → answering (supervisor)', apiBack, apiCold, 'cold start under supervisor');
} finally {
  await stack.restartAgent();
  await stack.close();
  await rm(runDir, { recursive: true, force: true });
}
