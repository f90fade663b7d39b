import { execFile } from 'node:child_process';
import { X509Certificate, createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { hostname } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { TlsSetting } from '../config.js';

const run = promisify(execFile);

export interface Certificate {
  key: string;
  cert: string;
  /** SHA-256 of the certificate, colon-separated hex, as browsers show it. */
  fingerprint: string;
  /** Where the certificate is, for the operator. */
  certFile: string;
  selfSigned: boolean;
}

/** Renewed this long before it runs out, so a long-running server never serves an expired one. */
const RENEW_BEFORE_MS = 30 * 86400_000;
const VALID_DAYS = 825;

/**
 * The names the self-signed certificate covers: this machine's name, localhost, the loopback
 * addresses and every address the API was told to listen on (a wildcard names no address).
 */
export function certificateNames(listen: readonly string[]): { dns: string[]; ips: string[] } {
  const host = hostname();
  const dns = [...new Set([host, 'localhost'])].filter((n) => /^[a-z0-9.-]{1,253}$/i.test(n));
  const ips = [
    ...new Set(['127.0.0.1', '::1', ...listen.filter((a) => a !== '0.0.0.0' && a !== '::')]),
  ].filter((a) => isIP(a) !== 0);
  return { dns, ips };
}

/** Reads a certificate and its key and checks that they belong together. */
function readPair(
  certFile: string,
  keyFile: string,
): { key: string; cert: string; x509: X509Certificate } {
  const cert = readFileSync(certFile, 'utf8');
  const key = readFileSync(keyFile, 'utf8');
  const x509 = new X509Certificate(cert);
  if (!x509.checkPrivateKey(createPrivateKey(key)))
    throw new Error(`the key ${keyFile} does not belong to the certificate ${certFile}`);
  return { key, cert, x509 };
}

function usable(x509: X509Certificate, names: { dns: string[]; ips: string[] }): boolean {
  return (
    Date.parse(x509.validTo) - Date.now() > RENEW_BEFORE_MS &&
    names.dns.every((n) => x509.checkHost(n) !== undefined) &&
    names.ips.every((a) => x509.checkIP(a) !== undefined)
  );
}

/**
 * Makes a self-signed certificate in dir: a P-256 key from node:crypto (written 0600 before it
 * is ever used), the X.509 around it from openssl. Both are written beside their final names and
 * renamed into place, the certificate last; a start that finds a key and a certificate that do
 * not match (a crash between the renames) makes a new pair.
 */
async function makeSelfSigned(dir: string, names: { dns: string[]; ips: string[] }): Promise<void> {
  const keyFile = path.join(dir, 'key.pem');
  const certFile = path.join(dir, 'cert.pem');
  const keyTmp = `${keyFile}.new`;
  const certTmp = `${certFile}.new`;
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  rmSync(keyTmp, { force: true });
  writeFileSync(keyTmp, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  const san = [...names.dns.map((n) => `DNS:${n}`), ...names.ips.map((a) => `IP:${a}`)].join(',');
  await run('openssl', [
    'req',
    '-x509',
    '-new',
    '-key',
    keyTmp,
    '-out',
    certTmp,
    '-days',
    String(VALID_DAYS),
    '-subj',
    `/O=Berth/CN=${names.dns[0] ?? 'localhost'}`,
    '-addext',
    `subjectAltName=${san}`,
    '-addext',
    'basicConstraints=critical,CA:FALSE',
    '-addext',
    'keyUsage=critical,digitalSignature',
    '-addext',
    'extendedKeyUsage=serverAuth',
  ]);
  renameSync(keyTmp, keyFile);
  renameSync(certTmp, certFile);
}

/**
 * The certificate the API serves (HTTPS by default, issue 11 finding 9): the operator's own
 * (BERTH_TLS_CERT/BERTH_TLS_KEY, never touched), or one made at first start in
 * <data>/tls/ and kept, so its fingerprint stays what the operator once checked. It is made
 * again only when it is near its end, or no longer names this machine or a listen address.
 */
export async function loadCertificate(
  setting: Exclude<TlsSetting, null>,
  dataDir: string,
  listen: readonly string[],
): Promise<Certificate> {
  if ('certFile' in setting) {
    const { key, cert, x509 } = readPair(setting.certFile, setting.keyFile);
    return {
      key,
      cert,
      fingerprint: x509.fingerprint256,
      certFile: setting.certFile,
      selfSigned: false,
    };
  }
  const dir = path.join(dataDir, 'tls');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const certFile = path.join(dir, 'cert.pem');
  const keyFile = path.join(dir, 'key.pem');
  const names = certificateNames(listen);
  const current = (() => {
    try {
      return readPair(certFile, keyFile);
    } catch {
      return null;
    }
  })();
  if (current && usable(current.x509, names))
    return {
      key: current.key,
      cert: current.cert,
      fingerprint: current.x509.fingerprint256,
      certFile,
      selfSigned: true,
    };
  await makeSelfSigned(dir, names);
  const made = readPair(certFile, keyFile);
  return {
    key: made.key,
    cert: made.cert,
    fingerprint: made.x509.fingerprint256,
    certFile,
    selfSigned: true,
  };
}
