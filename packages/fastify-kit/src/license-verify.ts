import { createPublicKey, verify } from 'node:crypto';
import {
  canonicalJson,
  LICENSE_KEYS,
  LicenseDocument,
  licenseTimeState,
  type LicenseState,
} from '@berth/contracts';

/** Whether licenses signed with a test key (private half in the repository) are accepted. */
export const trustTestLicenses = (env: NodeJS.ProcessEnv = process.env) =>
  env.BERTH_TRUST_TEST_LICENSES === '1';

/** Reads a license file's text: malformed text is null, so callers can say so for their field. */
export function parseLicense(text: string): LicenseDocument | null {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = LicenseDocument.safeParse(json);
  return parsed.success ? parsed.data : null;
}

/** Checks the signature offline against the built-in keys, then the dates. */
export function licenseState(
  doc: LicenseDocument,
  now: Date,
  trustTest = trustTestLicenses(),
): { state: LicenseState; daysLeft: number | null } {
  const key = LICENSE_KEYS[doc.payload.keyId];
  if (!key || (key.testOnly && !trustTest)) return { state: 'unknown-key', daysLeft: null };
  const publicKey = createPublicKey({
    key: Buffer.from(key.publicKey, 'base64'),
    format: 'der',
    type: 'spki',
  });
  const signed = Buffer.from(canonicalJson(doc.payload));
  if (!verify(null, signed, publicKey, Buffer.from(doc.signature, 'base64')))
    return { state: 'invalid-signature', daysLeft: null };
  return licenseTimeState(doc.payload, now);
}
