import type { PrismaClient } from '@berth/db';

const REDACTED = '[redacted]';
/** Environment variables whose values are secrets wherever they turn up. */
const SECRET_NAME = /TOKEN|PASSWORD|PASSWD|SECRET|PRIVATE|KEY|DATABASE_URL|CREDENTIAL/i;
/** Berth's API tokens (berth_<base64url>), bearer headers, and key = value secrets, by shape. */
const PATTERNS: Array<[RegExp, (match: string, lead?: string, value?: string) => string]> = [
  [/berth_[A-Za-z0-9_-]{16,}/g, () => REDACTED],
  [/(Bearer\s+)[^\s"\\]+/gi, (_m, lead) => `${lead}${REDACTED}`],
  [
    /("?(?:password|passwd|token|secret|authorization|agentToken|totpSecret)"?\s*[:=]\s*)("[^"]*"|[^\s,}"\\]+)/gi,
    // A quoted value keeps its quotes, so JSON stays JSON.
    (_m, lead, value) => `${lead}${value?.startsWith('"') ? `"${REDACTED}"` : REDACTED}`,
  ],
];

/**
 * Every secret the console knows of: environment values under secret-sounding names and the
 * database's tokens, hashes and TOTP secrets. The report is scrubbed of each, wherever it is.
 */
export async function knownSecrets(db: PrismaClient, env: NodeJS.ProcessEnv): Promise<string[]> {
  const [hosts, users, sessions, tokens, links, codes] = await Promise.all([
    db.host.findMany({ select: { agentToken: true } }),
    db.user.findMany({ select: { passwordHash: true, totpSecret: true } }),
    db.session.findMany({ select: { tokenHash: true } }),
    db.apiToken.findMany({ select: { tokenHash: true } }),
    db.shareLink.findMany({ select: { tokenHash: true } }),
    db.recoveryCode.findMany({ select: { codeHash: true } }),
  ]);
  const values = [
    ...Object.entries(env)
      .filter(([k]) => SECRET_NAME.test(k))
      .map(([, v]) => v),
    ...hosts.map((h) => h.agentToken),
    ...users.flatMap((u) => [u.passwordHash, u.totpSecret]),
    ...sessions.map((s) => s.tokenHash),
    ...tokens.map((t) => t.tokenHash),
    ...links.map((l) => l.tokenHash),
    ...codes.map((c) => c.codeHash),
  ];
  // Short values ("1", "on") would scrub ordinary words; no real secret is that short.
  return [...new Set(values.filter((v): v is string => !!v && v.length >= 6))].sort(
    (a, b) => b.length - a.length,
  );
}

export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) out = out.split(s).join(REDACTED);
  for (const [pattern, replace] of PATTERNS) out = out.replace(pattern, replace);
  return out;
}
