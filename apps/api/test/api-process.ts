import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, readFileSync } from 'node:fs';
import { get as httpsGet } from 'node:https';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { browserSession } from './browser-session.js';
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
  /**
   * Serve HTTPS as production does by default, with the certificate the API makes in dataDir;
   * the answer's baseUrl is then https and global fetch (which cannot be told to trust the
   * certificate) is of no use: see https.test.ts. Without it BERTH_HTTP=1 asks for plain HTTP.
   */
  https?: boolean;
  /** More variables for the process (BERTH_API_LISTEN, BERTH_TLS_CERT, …). */
  env?: Record<string, string>;
}): Promise<ApiProcess> {
  mkdirSync(opts.dataDir, { recursive: true });
  const port = opts.port ?? (await freePort());
  const logFile = path.join(opts.dataDir, `api-${port}.log`);
  const out = openSync(logFile, 'a');
  const child = spawn(process.execPath, [API_MAIN], {
    env: {
      ...process.env,
      BERTH_DATA_DIR: opts.dataDir,
      BERTH_API_LISTEN: '127.0.0.1',
      BERTH_API_PORT: String(port),
      BERTH_HTTP: opts.https ? '' : '1',
      BERTH_DATABASE_URL: `file:${opts.databaseFile}`,
      // No agent is a valid start: the API keeps trying to reach it and serves everything else.
      BERTH_LOCAL_AGENT_URL: opts.agent?.url ?? `http://127.0.0.1:${await freePort()}`,
      BERTH_LOCAL_AGENT_TOKEN: opts.agent?.token ?? 'no-agent',
      BERTH_ADMIN_PASSWORD: ADMIN_PASSWORD,
      BERTH_WEB_DIR: '',
      ...opts.env,
    },
    stdio: ['ignore', out, out],
  });
  const baseUrl = `${opts.https ? 'https' : 'http'}://127.0.0.1:${port}`;
  const alive = () => child.exitCode === null && child.signalCode === null;
  await until(
    'the API process to answer',
    async () => {
      if (!alive()) throw new Error(`API exited: ${readFileSync(logFile, 'utf8').slice(-2000)}`);
      // Whether it answers, not whom: the certificate is the HTTPS test's to check.
      return opts.https
        ? new Promise<boolean>((resolve) =>
            httpsGet(`${baseUrl}/api/health`, { rejectUnauthorized: false }, (res) => {
              res.resume();
              resolve(res.statusCode === 200);
            }).once('error', () => resolve(false)),
          )
        : (await fetch(`${baseUrl}/api/health`).catch(() => null))?.ok;
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

/**
 * A logged-in admin against a running API: the session cookie, the headers a browser sends with
 * a change (cookies, Origin, CSRF token) and a bearer token.
 */
export async function loginAdmin(
  baseUrl: string,
): Promise<{ cookie: string; session: Record<string, string>; token: string }> {
  const login = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
  });
  if (!login.ok) throw new Error(`login failed: ${login.status} ${await login.text()}`);
  const session = browserSession(login, baseUrl);
  const res = await fetch(`${baseUrl}/api/v1/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...session },
    body: JSON.stringify({ name: `test-${Date.now()}` }),
  });
  const { token } = (await res.json()) as { token: string };
  return { cookie: session.cookie as string, session, token };
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
