import { z } from 'zod';

/**
 * JSON with object keys sorted and no whitespace: the bytes a license signature covers, so a
 * document re-serialised by any tool still verifies.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export const LicenseFeature = z.enum(['live-migration', 'backups', 'high-availability']);
export type LicenseFeature = z.infer<typeof LicenseFeature>;

export const LicenseLimits = z.strictObject({
  hosts: z.number().int().min(1).max(100_000),
  coresPerHost: z.number().int().min(1).max(100_000),
  runningVms: z.number().int().min(0).max(1_000_000),
  runningContainers: z.number().int().min(0).max(1_000_000),
  features: z.array(LicenseFeature).max(16),
});
export type LicenseLimits = z.infer<typeof LicenseLimits>;

/** What Berth allows with no license installed, stated in the README and on the Licenses page. */
export const FREE_EDITION: LicenseLimits = {
  hosts: 1,
  coresPerHost: 64,
  runningVms: 3,
  runningContainers: 10,
  features: [],
};

const Timestamp = z.iso.datetime({ offset: true });

/** The signed part. `scope` says whether it covers the whole console or the one host it is on. */
export const LicensePayload = z.strictObject({
  id: z.uuid(),
  licensee: z.string().min(1).max(200),
  keyId: z.string().regex(/^[a-z0-9-]{1,64}$/),
  edition: z.string().min(1).max(64),
  scope: z.enum(['console', 'host']),
  limits: LicenseLimits,
  issuedAt: Timestamp,
  expiresAt: Timestamp,
  graceDays: z.number().int().min(0).max(365),
});
export type LicensePayload = z.infer<typeof LicensePayload>;

/** A license file: the payload and a base64 Ed25519 signature over its canonical JSON. */
export const LicenseDocument = z.strictObject({
  payload: LicensePayload,
  signature: z.base64().min(1).max(200),
});
export type LicenseDocument = z.infer<typeof LicenseDocument>;

/**
 * Public keys Berth trusts, by key id (SPKI DER, base64). A `testOnly` key's private half is in
 * the repository (scripts/test-license-key.pem), so it is trusted only with
 * BERTH_TRUST_TEST_LICENSES=1, which tests set and production never does.
 */
export const LICENSE_KEYS: Record<string, { publicKey: string; testOnly: boolean }> = {
  'berth-test-1': {
    publicKey: 'MCowBQYDK2VwAyEAh7XGSel7RP3lU8xJPBMW6feIAAVl/ZF5hZ2u1aSeA9Q=',
    testOnly: true,
  },
};

/** Body of an install or update: the license file's text as uploaded or pasted. */
export const InstallLicense = z.strictObject({ license: z.string().min(1).max(16_384) });
export type InstallLicense = z.infer<typeof InstallLicense>;

export const TransferLicense = z.strictObject({ toHostId: z.string().min(1).max(200) });
export type TransferLicense = z.infer<typeof TransferLicense>;

export const LicenseState = z.enum([
  'valid',
  'grace',
  'expired',
  'invalid-signature',
  'unknown-key',
  'moved',
]);
export type LicenseState = z.infer<typeof LicenseState>;

const DAY_MS = 24 * 60 * 60 * 1000;

/** Valid until expiry, then grace for graceDays, then expired; days left count to the end of grace in grace. */
export function licenseTimeState(
  p: Pick<LicensePayload, 'expiresAt' | 'graceDays'>,
  now: Date,
): { state: 'valid' | 'grace' | 'expired'; daysLeft: number } {
  const expires = Date.parse(p.expiresAt);
  const graceEnds = expires + p.graceDays * DAY_MS;
  const t = now.getTime();
  if (t < expires) return { state: 'valid', daysLeft: Math.ceil((expires - t) / DAY_MS) };
  if (t < graceEnds) return { state: 'grace', daysLeft: Math.ceil((graceEnds - t) / DAY_MS) };
  return { state: 'expired', daysLeft: 0 };
}

/**
 * BERTH_TRUST_TEST_LICENSES=1 makes the test key trusted: the test harness and e2e setup set it,
 * production never does. Read from the environment the caller passes.
 */
export const trustsTestLicenses = (env: Record<string, string | undefined>) =>
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

const bytes = (base64: string) => Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));

/**
 * Checks the signature offline against the built-in keys. WebCrypto, so the same code runs in
 * the API and the agent (and could in a browser) with no copy of it.
 */
export async function licenseSignature(
  doc: LicenseDocument,
  trustTest: boolean,
): Promise<'ok' | 'invalid-signature' | 'unknown-key'> {
  const known = LICENSE_KEYS[doc.payload.keyId];
  if (!known || (known.testOnly && !trustTest)) return 'unknown-key';
  const key = await crypto.subtle.importKey(
    'spki',
    bytes(known.publicKey),
    { name: 'Ed25519' },
    false,
    ['verify'],
  );
  const signed = new TextEncoder().encode(canonicalJson(doc.payload));
  const ok = await crypto.subtle
    .verify({ name: 'Ed25519' }, key, bytes(doc.signature), signed)
    .catch(() => false);
  return ok ? 'ok' : 'invalid-signature';
}

/** The signature first, then the dates. */
export async function licenseState(
  doc: LicenseDocument,
  now: Date,
  trustTest: boolean,
): Promise<{ state: LicenseState; daysLeft: number | null }> {
  const signature = await licenseSignature(doc, trustTest);
  if (signature !== 'ok') return { state: signature, daysLeft: null };
  return licenseTimeState(doc.payload, now);
}

/** The agent's view of its host's license file, in the host facts. */
export const HostLicenseFact = z.strictObject({
  state: LicenseState,
  licenseId: z.string(),
  expiresAt: z.string(),
});
export type HostLicenseFact = z.infer<typeof HostLicenseFact>;

/** GET/PUT /v1/license on the agent: the host's license file and what the agent makes of it. */
export const AgentLicense = z.strictObject({
  license: LicenseDocument.nullable(),
  fact: HostLicenseFact.nullable(),
});
export type AgentLicense = z.infer<typeof AgentLicense>;

export const LicenseUsage = z.strictObject({
  hosts: z.number().int(),
  cores: z.number().int(),
  runningVms: z.number().int(),
  runningContainers: z.number().int(),
});
export type LicenseUsage = z.infer<typeof LicenseUsage>;

export const LicenseSummary = LicensePayload.omit({ limits: true });

/** One scope's license as the Licenses page shows it. */
export const LicenseView = z.strictObject({
  /** null: the console-wide license. */
  hostId: z.string().nullable(),
  hostName: z.string().nullable(),
  /** Where the limits come from: the host's own license, the console's, or the free edition. */
  source: z.enum(['host', 'console', 'free']),
  license: LicenseSummary.nullable(),
  /** null without a license; 'over-limit' is reported in overLimit. */
  state: LicenseState.nullable(),
  daysLeft: z.number().int().nullable(),
  limits: LicenseLimits,
  usage: LicenseUsage,
  /** Limits in use beyond what is allowed, e.g. "running containers: 4 of 3". */
  overLimit: z.array(z.string()),
  /** The host did not answer: its usage is unknown. */
  unreachable: z.boolean(),
});
export type LicenseView = z.infer<typeof LicenseView>;

export const LicensesOverview = z.strictObject({
  console: LicenseView,
  hosts: z.array(LicenseView),
  free: LicenseLimits,
  /** BERTH_TRUST_TEST_LICENSES=1 is in effect: licenses signed with the test key are accepted. */
  testKeysTrusted: z.boolean(),
});
export type LicensesOverview = z.infer<typeof LicensesOverview>;
