import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import type { TLSSocket } from 'node:tls';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startApiProcess, type ApiProcess } from './api-process.js';
import { ADMIN_PASSWORD } from './harness.js';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** The certificate the server showed. */
  fingerprint: string;
}

/** One HTTPS request that trusts exactly `ca` (global fetch cannot be told to). */
function call(
  url: string,
  ca: string,
  opts: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: opts.method ?? 'GET',
        ca,
        headers: {
          ...(opts.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...opts.headers,
        },
      },
      (res) => {
        // Read now: the socket is released once the answer has been read.
        const { fingerprint256 } = (res.socket as TLSSocket).getPeerCertificate();
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body,
            fingerprint: fingerprint256,
          }),
        );
      },
    );
    req.once('error', reject);
    req.end(opts.body === undefined ? undefined : JSON.stringify(opts.body));
  });
}

// Issue 11, finding 9 (transport): HTTPS by default with a certificate made at first start and
// kept, the operator's own when given, plain HTTP only when asked; Secure cookies and HSTS on
// HTTPS; every listen address served.
describe('HTTPS by default', () => {
  let root: string;
  let api: ApiProcess;
  const dataDir = () => path.join(root, 'data');
  const certFile = () => path.join(dataDir(), 'tls', 'cert.pem');
  const start = (extra: Parameters<typeof startApiProcess>[0]['env'] = {}, https = true) =>
    startApiProcess({
      dataDir: dataDir(),
      databaseFile: path.join(root, 'berth.db'),
      https,
      env: { BERTH_API_LISTEN: '127.0.0.1,::1', ...extra },
    });

  before(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'berth-https-'));
    api = await start();
  });
  after(async () => {
    await api?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  test('first start makes a certificate for this machine and its addresses, key 0600', async () => {
    const cert = readFileSync(certFile(), 'utf8');
    assert.equal(statSync(path.join(dataDir(), 'tls', 'key.pem')).mode & 0o777, 0o600);
    assert.equal(statSync(path.join(dataDir(), 'tls')).mode & 0o777, 0o700);
    const x509 = new X509Certificate(cert);
    for (const ip of ['127.0.0.1', '::1']) assert.ok(x509.checkIP(ip), ip);
    assert.ok(x509.checkHost('localhost'));
    const port = new URL(api.baseUrl).port;
    // Verified against the certificate itself, by address and by name, on both listen addresses.
    for (const url of [
      `https://127.0.0.1:${port}`,
      `https://[::1]:${port}`,
      `https://localhost:${port}`,
    ]) {
      const res = await call(`${url}/api/health`, cert);
      assert.equal(res.status, 200, url);
      assert.equal(res.headers['strict-transport-security'], 'max-age=31536000', url);
      assert.equal(res.fingerprint, x509.fingerprint256);
    }
    // The operator can compare what the browser shows with what the start printed.
    assert.match(api.log(), new RegExp(`serving https://127\\.0\\.0\\.1:${port}/`));
    assert.match(api.log(), new RegExp(`serving https://\\[::1\\]:${port}/`));
    assert.ok(api.log().includes(`certificate SHA-256 fingerprint ${x509.fingerprint256}`));
  });

  test('cookies are Secure over HTTPS', async () => {
    const cert = readFileSync(certFile(), 'utf8');
    const login = await call(`${api.baseUrl}/api/v1/auth/login`, cert, {
      method: 'POST',
      body: { username: 'admin', password: ADMIN_PASSWORD },
      headers: { origin: api.baseUrl },
    });
    assert.equal(login.status, 200, login.body);
    const cookies = [login.headers['set-cookie'] ?? []].flat();
    assert.equal(cookies.length, 2, cookies.join(' | '));
    for (const c of cookies) assert.match(c, /; Secure/, c);
  });

  test('a restart keeps the certificate, so its fingerprint stays the one checked', async () => {
    const before = new X509Certificate(readFileSync(certFile())).fingerprint256;
    await api.stop();
    api = await start();
    assert.equal(new X509Certificate(readFileSync(certFile())).fingerprint256, before);
    const res = await call(`${api.baseUrl}/api/health`, readFileSync(certFile(), 'utf8'));
    assert.equal(res.fingerprint, before);
  });

  test("the operator's own certificate, when given; a key of another refuses to start", async () => {
    await api.stop();
    const own = path.join(root, 'own');
    execFileSync('mkdir', ['-p', own]);
    const make = (name: string) =>
      execFileSync(
        'openssl',
        [
          ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'],
          ...['-keyout', path.join(own, `${name}.key`), '-out', path.join(own, `${name}.crt`)],
          ...[
            '-days',
            '30',
            '-subj',
            '/CN=berth.example',
            '-addext',
            'subjectAltName=IP:127.0.0.1',
          ],
        ],
        { stdio: 'ignore' },
      );
    make('a');
    make('b');
    api = await start({
      BERTH_TLS_CERT: path.join(own, 'a.crt'),
      BERTH_TLS_KEY: path.join(own, 'a.key'),
    });
    const theirs = readFileSync(path.join(own, 'a.crt'), 'utf8');
    const res = await call(`${api.baseUrl}/api/health`, theirs);
    assert.equal(res.fingerprint, new X509Certificate(theirs).fingerprint256);
    await api.stop();
    await assert.rejects(
      start({ BERTH_TLS_CERT: path.join(own, 'a.crt'), BERTH_TLS_KEY: path.join(own, 'b.key') }),
      /does not belong to the certificate/,
    );
  });

  test('BERTH_HTTP=1 serves plain HTTP, without HSTS or Secure cookies', async () => {
    api = await start({}, false);
    const health = await fetch(`${api.baseUrl}/api/health`);
    assert.equal(health.status, 200);
    assert.equal(health.headers.get('strict-transport-security'), null);
    const login = await fetch(`${api.baseUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
    });
    assert.equal(login.status, 200);
    for (const c of login.headers.getSetCookie()) assert.doesNotMatch(c, /Secure/i, c);
    assert.match(api.log(), /serving plain HTTP/);
  });
});
