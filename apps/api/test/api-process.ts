import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ADMIN_PASSWORD } from './harness.js';
import { freePort } from './free-port.js';
import { until } from './wait.js';

const API_MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

export interface ApiProcess {
  baseUrl: string;
  process: ChildProcess;
  /** Everything the API logged, for asserting what it said. */
  log(): string;
  alive(): boolean;
  /** kill -9, as a crash or the OOM killer would. */
  kill9(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The built API as its own process (`node dist/main.js`), the way production runs it, so a test
 * can kill it and see what the process itself does; the harness's in-process API cannot die.
 */
export async function startApiProcess(opts: {
  dataDir: string;
  databaseFile: string;
  agent?: { url: string; token: string };
  port?: number;
}): Promise<ApiProcess> {
  mkdirSync(opts.dataDir, { recursive: true });
  const port = opts.port ?? (await freePort());
  const logFile = path.join(opts.dataDir, `api-${port}.log`);
  const out = openSync(logFile, 'a');
  const child = spawn(process.execPath, [API_MAIN], {
    env: {
      ...process.env,
      BERTH_DATA_DIR: opts.dataDir,
      BERTH_API_HOST: '127.0.0.1',
      BERTH_API_PORT: String(port),
      BERTH_DATABASE_URL: `file:${opts.databaseFile}`,
      // No agent is a valid start: the API keeps trying to reach it and serves everything else.
      BERTH_LOCAL_AGENT_URL: opts.agent?.url ?? `http://127.0.0.1:${await freePort()}`,
      BERTH_LOCAL_AGENT_TOKEN: opts.agent?.token ?? 'no-agent',
      BERTH_ADMIN_PASSWORD: ADMIN_PASSWORD,
      BERTH_WEB_DIR: '',
    },
    stdio: ['ignore', out, out],
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const alive = () => child.exitCode === null && child.signalCode === null;
  await until(
    'the API process to answer',
    async () => {
      if (!alive()) throw new Error(`API exited: ${readFileSync(logFile, 'utf8').slice(-2000)}`);
      return (await fetch(`${baseUrl}/api/health`).catch(() => null))?.ok;
    },
    30_000,
  );
  const exited = () =>
    new Promise<void>((resolve) => (alive() ? child.once('exit', () => resolve()) : resolve()));
  return {
    baseUrl,
    process: child,
    log: () => readFileSync(logFile, 'utf8'),
    alive,
    async kill9() {
      const gone = exited();
      child.kill('SIGKILL');
      await gone;
    },
    async stop() {
      const gone = exited();
      if (alive()) child.kill('SIGTERM');
      await gone;
    },
  };
}

/** A logged-in admin against a running API: the session cookie and a bearer token. */
export async function loginAdmin(baseUrl: string): Promise<{ cookie: string; token: string }> {
  const login = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
  });
  if (!login.ok) throw new Error(`login failed: ${login.status} ${await login.text()}`);
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] as string;
  const res = await fetch(`${baseUrl}/api/v1/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie },
    body: JSON.stringify({ name: `test-${Date.now()}` }),
  });
  const { token } = (await res.json()) as { token: string };
  return { cookie, token };
}

/** A small ext4 file system on a loop device, to fill up or freeze without touching the host's disks. */
export interface LoopDisk {
  dir: string;
  unmount(): void;
}

export function mountLoopDisk(image: string, dir: string, sizeMiB: number): LoopDisk {
  mkdirSync(dir, { recursive: true });
  execFileSync('truncate', ['-s', `${sizeMiB}M`, image]);
  // -m 0: root (the API) may not use reserved blocks to dodge a "full" disk.
  execFileSync('mkfs.ext4', ['-q', '-F', '-m', '0', image]);
  // A loop device attached by mount -o loop is detached by the kernel at unmount (autoclear).
  execFileSync('mount', ['-o', 'loop', image, dir]);
  return {
    dir,
    unmount() {
      try {
        execFileSync('umount', [dir], { stdio: 'ignore' });
      } catch {
        // a busy mount (a process still in it) is detached lazily instead of left behind
        execFileSync('umount', ['-l', dir], { stdio: 'ignore' });
      }
    },
  };
}
