/** A field name for an issue path: "disks.0.sizeMiB" → "disks", ["dns", 1] → "dns". */
export const fieldOf = (path: string | readonly PropertyKey[]) =>
  String((typeof path === 'string' ? path.split('.') : path)[0] ?? '(root)') || '(root)';

/** Groups issues (zod's or the API's error.issues) by field; the first message per field wins. */
export function issuesByField(
  issues: readonly { path: string | readonly PropertyKey[]; message: string }[],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of issues) out[fieldOf(i.path)] ??= i.message;
  return out;
}
