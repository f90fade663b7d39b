import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { openSync } from 'node:fs';
import { randomBytes, randomInt } from 'node:crypto';
import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../apps/api/test/free-port.js';
import { tidyVmRemains } from '../apps/api/test/vm-remains.js';

const root = fileURLToPath(new URL('..', import.meta.url));
export const E2E_ADMIN_PASSWORD = 'e2e-admin-password';

/** The status of a GET, or null while nothing answers; any certificate (the API makes its own). */
const statusOf = (url: string) =>
  new Promise<number | null>((resolve) =>
    (url.startsWith('https:') ? httpsGet : httpGet)(url, { rejectUnauthorized: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? null);
    }).once('error', () => resolve(null)),
  );

async function waitHttp(url: string, child: ChildProcess, what: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}`);
    const status = await statusOf(url);
    if (status !== null && status < 500) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} did not come up`);
}

/** Starts the production processes (built agent and API, the API serving the built UI) on free ports. */
export default async function globalSetup(): Promise<() => Promise<void>> {
  const dir = await mkdtemp(path.join(tmpdir(), 'berth-e2e-'));
  const agentPort = await freePort();
  const apiPort = await freePort();
  // A bridge and subnet of this run's own: a second e2e run (a developer's, beside CI) on the
  // same machine must not tear down this one's network.
  const runId = randomBytes(2).toString('hex');
  const bridge = `bt-e2e-${runId}`;
  const subnet = `10.216.${randomInt(0, 250)}`;
  const browserNet = makeBrowserNetns(runId);
  // The services' logs outlive the run beside the screenshots, so a failure can be read after it.
  const logDir = path.join(root, 'test-results', 'e2e-logs');
  await mkdir(logDir, { recursive: true });
  const agentLog = openSync(path.join(logDir, 'agent.log'), 'w');
  // Licenses signed with the repository's test key are valid here (licenses.spec.ts); the
  // agent and the API inherit it. Production never sets it.
  process.env.BERTH_TRUST_TEST_LICENSES = '1';
  const agent = spawn(process.execPath, [path.join(root, 'apps/agent/dist/main.js')], {
    env: {
      ...process.env,
      BERTH_AGENT_DATA_DIR: path.join(dir, 'agent'),
      BERTH_AGENT_TEMPLATE_DIR:
        process.env.BERTH_TEST_TEMPLATE_DIR ?? '/var/cache/berth-test/templates',
      BERTH_AGENT_PORT: String(agentPort),
      BERTH_AGENT_TOKEN: 'e2e-agent-token',
      BERTH_AGENT_BRIDGE: bridge,
      BERTH_AGENT_BRIDGE_CIDR: `${subnet}.1/24`,
      // Its firewall keeps the suite's containers off this API's port.
      BERTH_AGENT_API_PORT: String(apiPort),
      // Short, so a test can see a closed tab's shell ended; a reload re-attaches well within it.
      BERTH_AGENT_SHELL_IDLE_SECONDS: '8',
    },
    stdio: ['ignore', agentLog, agentLog],
  });
  await waitHttp(`http://127.0.0.1:${agentPort}/v1/facts`, agent, 'the agent');
  // The API runs the way start.sh runs it where systemd is not the init: under the supervisor,
  // which restarts it when it dies. Specs find its pid files in BERTH_E2E_RUN_DIR.
  const runDir = path.join(dir, 'run');
  await mkdir(runDir);
  const apiLog = path.join(logDir, 'api.log');
  const api = spawn(
    process.execPath,
    [
      path.join(root, 'scripts/supervise.mjs'),
      ...['--name', 'api', '--run-dir', runDir, '--log', apiLog, '--'],
      process.execPath,
      path.join(root, 'apps/api/dist/main.js'),
    ],
    {
      env: {
        ...process.env,
        BERTH_DATA_DIR: dir,
        // HTTPS with the certificate the API makes at its first start, as in production: the
        // browser and request contexts ignore that no authority signed it (playwright.config.ts).
        BERTH_API_LISTEN: `127.0.0.1,${browserNet.hostIp}`,
        BERTH_API_PORT: String(apiPort),
        BERTH_LOCAL_AGENT_URL: `http://127.0.0.1:${agentPort}`,
        BERTH_LOCAL_AGENT_TOKEN: 'e2e-agent-token',
        BERTH_ADMIN_PASSWORD: E2E_ADMIN_PASSWORD,
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const baseUrl = `https://${browserNet.hostIp}:${apiPort}`;
  try {
    await waitHttp(`${baseUrl}/api/health`, api, 'the API');
  } catch (err) {
    api.kill('SIGTERM');
    agent.kill('SIGTERM');
    browserNet.remove();
    const log = await readFile(apiLog, 'utf8').catch(() => '');
    throw new Error(`${(err as Error).message}; the API's log ends:\n${log.slice(-3000)}`);
  }
  process.env.BERTH_E2E_URL = baseUrl;
  process.env.BERTH_E2E_NETNS = browserNet.netns;
  process.env.BERTH_E2E_RUN_DIR = runDir;
  process.env.BERTH_E2E_ADMIN_PASSWORD = E2E_ADMIN_PASSWORD;

  return async () => {
    // SIGTERM to the supervisor stops it and the API it keeps running, whichever API that is now.
    api.kill('SIGTERM');
    agent.kill('SIGTERM');
    await Promise.all(
      [api, agent].map(
        (c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r))),
      ),
    );
    // Whatever a failed test left behind: containers, VMs, the DHCP server, the bridge.
    const lxcpath = path.join(dir, 'agent', 'lxc');
    const names = (() => {
      try {
        return execFileSync('lxc-ls', ['-P', lxcpath], { encoding: 'utf8' })
          .split(/\s+/)
          .filter(Boolean);
      } catch {
        return [];
      }
    })();
    for (const name of names) {
      try {
        execFileSync('lxc-stop', ['-P', lxcpath, '-n', name, '-k'], { stdio: 'ignore' });
      } catch {
        // already stopped
      }
    }
    await tidyVmRemains(path.join(dir, 'agent', 'vms'));
    const dhcp = Number(
      await readFile(path.join(dir, 'agent', 'dnsmasq.pid'), 'utf8').catch(() => '0'),
    );
    if (dhcp > 0) {
      try {
        process.kill(dhcp, 'SIGTERM');
      } catch {
        // already gone
      }
    }
    // The agent leaves its bridge, NAT and guard tables up on purpose (instances outlive it); the
    // suite's go with it.
    for (const [cmd, ...args] of [
      ['ip', 'link', 'del', bridge],
      ['nft', 'delete', 'table', 'ip', `berth_${bridge.replace(/-/g, '_')}`],
      ['nft', 'delete', 'table', 'inet', `berth_${bridge.replace(/-/g, '_')}_guard`],
      // Instance firewalls (issue 15) of instances the run left.
      ...execFileSync('nft', ['list', 'tables', 'bridge'], { encoding: 'utf8' })
        .split('\n')
        .map((l) => l.trim().split(' ')[2] ?? '')
        .filter((t) => t.startsWith(`berth_${bridge.replace(/-/g, '_')}_fw_`))
        .map((t) => ['nft', 'delete', 'table', 'bridge', t]),
    ]) {
      try {
        execFileSync(cmd as string, args, { stdio: 'ignore' });
      } catch {
        // already gone
      }
    }
    browserNet.remove();
    await rm(dir, { recursive: true, force: true });
  };
}

/**
 * A network namespace for the browser (chromium-netns.sh runs chromium in it), joined to the
 * host by a veth pair. Chromium aborts every load and fetch with ERR_NETWORK_CHANGED when an
 * interface or address appears, and the tests running beside this suite (and its own
 * containers and VMs) make bridges, veths and taps all the time; in here nothing changes.
 */
function makeBrowserNetns(runId: string) {
  const netns = `bt-e2e-${runId}`;
  const link = `bt-e2eh-${runId}`;
  const peer = `bt-e2en-${runId}`;
  const net = `10.219.${randomInt(0, 250)}`;
  const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe' });
  const remove = () => {
    for (const args of [
      ['netns', 'del', netns],
      ['link', 'del', link],
    ]) {
      try {
        ip(...args);
      } catch {
        // already gone
      }
    }
  };
  try {
    ip('netns', 'add', netns);
    ip('link', 'add', link, 'type', 'veth', 'peer', 'name', peer);
    ip('link', 'set', peer, 'netns', netns);
    ip('addr', 'add', `${net}.1/30`, 'dev', link);
    ip('link', 'set', link, 'up');
    ip('netns', 'exec', netns, 'ip', 'addr', 'add', `${net}.2/30`, 'dev', peer);
    ip('netns', 'exec', netns, 'ip', 'link', 'set', peer, 'up');
    ip('netns', 'exec', netns, 'ip', 'link', 'set', 'lo', 'up');
  } catch (err) {
    remove();
    throw err;
  }
  return { netns, hostIp: `${net}.1`, remove };
}
