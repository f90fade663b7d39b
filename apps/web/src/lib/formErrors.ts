import { isApiError } from '@/api/http';
import { errorText } from './errorText';

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

/**
 * A failed save as errors by field: the API's issues beside their fields, anything else at the
 * form's root. `field` maps an API path to the form's own field name when they differ.
 */
export function saveErrors(
  err: unknown,
  field: (path: string) => string = (path) => path,
): Record<string, string> {
  return isApiError(err) && err.issues.length
    ? issuesByField(err.issues.map((i) => ({ ...i, path: field(i.path) })))
    : { '(root)': errorText(err) };
}
