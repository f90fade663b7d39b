import { isDeepStrictEqual } from 'node:util';

/** Field names whose values never enter the log: that they changed is recorded, not what to. */
const SECRET = /password|secret|token|hash/i;
const HIDDEN = '(secret)';

export interface FieldDiff {
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

/**
 * The fields that differ between two versions of a record, with their values on each side (a
 * field missing on one side is absent there); null on both sides when nothing changed. `only`
 * limits it to some fields (those a PATCH named). For
 * `audit.record(actor, { …, ...diff(before, after) })` or `Object.assign(note, diff(…))`.
 */
export function diff(
  before: Record<string, unknown> | null | undefined,
  after: Record<string, unknown> | null | undefined,
  only?: readonly string[],
): FieldDiff {
  const b: Record<string, unknown> = {};
  const a: Record<string, unknown> = {};
  const keys = new Set(only ?? [...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  for (const key of keys) {
    const was = before?.[key];
    const is = after?.[key];
    if (isDeepStrictEqual(was, is)) continue;
    if (was !== undefined) b[key] = SECRET.test(key) ? HIDDEN : was;
    if (is !== undefined) a[key] = SECRET.test(key) ? HIDDEN : is;
  }
  const changed = Object.keys(b).length > 0 || Object.keys(a).length > 0;
  return changed ? { before: b, after: a } : { before: null, after: null };
}
