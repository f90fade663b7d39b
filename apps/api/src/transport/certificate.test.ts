import assert from 'node:assert/strict';
import { X509Certificate, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { certificateNames, loadCertificate } from './certificate.js';

const dir = mkdtempSync(path.join(tmpdir(), 'berth-cert-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('names: the host, localhost, loopback and the listen addresses that are not wildcards', () => {
  const names = certificateNames(['0.0.0.0', '::', '192.168.1.5', 'fd00::5']);
  assert.ok(names.dns.includes('localhost'));
  assert.deepEqual(names.ips, ['127.0.0.1', '::1', '192.168.1.5', 'fd00::5']);
});

test('made once and kept; made again for a new address or a key that is not its own', async () => {
  const first = await loadCertificate({ selfSigned: true }, dir, ['0.0.0.0']);
  assert.ok(first.selfSigned);
  assert.equal(new X509Certificate(first.cert).fingerprint256, first.fingerprint);
  const again = await loadCertificate({ selfSigned: true }, dir, ['0.0.0.0']);
  assert.equal(again.fingerprint, first.fingerprint, 'a restart keeps it');

  const wider = await loadCertificate({ selfSigned: true }, dir, ['0.0.0.0', '10.1.2.3']);
  assert.notEqual(wider.fingerprint, first.fingerprint);
  assert.ok(new X509Certificate(wider.cert).checkIP('10.1.2.3'));

  // A crash between the two renames leaves a new key beside the old certificate.
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  writeFileSync(
    path.join(dir, 'tls', 'key.pem'),
    privateKey.export({ type: 'pkcs8', format: 'pem' }),
  );
  const healed = await loadCertificate({ selfSigned: true }, dir, ['0.0.0.0', '10.1.2.3']);
  assert.notEqual(healed.fingerprint, wider.fingerprint);
  assert.deepEqual(readdirSync(path.join(dir, 'tls')).sort(), ['cert.pem', 'key.pem']);
});
