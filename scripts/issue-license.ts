/**
 * Signs a license with the TEST key (scripts/test-license-key.pem), which Berth trusts only
 * with BERTH_TRUST_TEST_LICENSES=1. Release keys are never in the repository.
 *
 *   node --import tsx scripts/issue-license.ts --licensee "Acme" --scope host \
 *     --running-containers 1 --days 30 --grace 7 > acme.lic
 *
 * An already expired one (for tests): --days=-10 (with "=", since the value starts with "-").
 */
import { randomUUID, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import {
  canonicalJson,
  LicensePayload,
  type LicenseDocument,
  type LicenseFeature,
} from '../packages/contracts/src/licenses.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const DAY_MS = 24 * 60 * 60 * 1000;

interface IssueOptions {
  licensee?: string;
  scope?: 'console' | 'host';
  keyId?: string;
  edition?: string;
  hosts?: number;
  coresPerHost?: number;
  runningVms?: number;
  runningContainers?: number;
  features?: LicenseFeature[];
  /** Days from now to expiry; negative for a license already expired. */
  days?: number;
  graceDays?: number;
  now?: Date;
}

function signLicense(payload: LicensePayload): LicenseDocument {
  const key = readFileSync(path.join(here, 'test-license-key.pem'), 'utf8');
  const signature = sign(null, Buffer.from(canonicalJson(payload)), key).toString('base64');
  return { payload, signature };
}

function issueLicense(o: IssueOptions = {}): LicenseDocument {
  const now = o.now ?? new Date();
  return signLicense(
    LicensePayload.parse({
      id: randomUUID(),
      licensee: o.licensee ?? 'Berth test',
      keyId: o.keyId ?? 'berth-test-1',
      edition: o.edition ?? 'test',
      scope: o.scope ?? 'console',
      limits: {
        hosts: o.hosts ?? 10,
        coresPerHost: o.coresPerHost ?? 256,
        runningVms: o.runningVms ?? 50,
        runningContainers: o.runningContainers ?? 200,
        features: o.features ?? [],
      },
      issuedAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + (o.days ?? 365) * DAY_MS).toISOString(),
      graceDays: o.graceDays ?? 14,
    }),
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const { values: v } = parseArgs({
    options: {
      licensee: { type: 'string' },
      scope: { type: 'string' },
      'key-id': { type: 'string' },
      edition: { type: 'string' },
      hosts: { type: 'string' },
      'cores-per-host': { type: 'string' },
      'running-vms': { type: 'string' },
      'running-containers': { type: 'string' },
      feature: { type: 'string', multiple: true },
      days: { type: 'string' },
      grace: { type: 'string' },
    },
  });
  const num = (s?: string) => (s === undefined ? undefined : Number(s));
  const doc = issueLicense({
    licensee: v.licensee,
    scope: v.scope as IssueOptions['scope'],
    keyId: v['key-id'],
    edition: v.edition,
    hosts: num(v.hosts),
    coresPerHost: num(v['cores-per-host']),
    runningVms: num(v['running-vms']),
    runningContainers: num(v['running-containers']),
    features: v.feature as LicenseFeature[] | undefined,
    days: num(v.days),
    graceDays: num(v.grace),
  });
  process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
}
