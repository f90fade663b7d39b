/**
 * The command palette's matcher: every typed word must be found in a command's label or its
 * keywords. Whole and leading-word hits in the label rank above hits inside it, those above
 * keyword hits, and a scattered-letter (fuzzy) hit in the label ranks last, so "start web1",
 * "console 101" and "tsk" all find what they mean.
 */
export interface Matchable {
  label: string;
  keywords: string;
}

const words = (s: string) =>
  s
    .toLowerCase()
    .split(/[\s/:._-]+/)
    .filter(Boolean);

/** The letters of `w` in order within `s` (not necessarily together). */
export function isSubsequence(w: string, s: string): boolean {
  let at = 0;
  for (const c of s) if (c === w[at]) at += 1;
  return at === w.length;
}

/** How well one typed word fits a command; 0 when it does not. */
function wordScore(w: string, label: string, labelWords: string[], keywords: string[]): number {
  if (labelWords.includes(w)) return 100;
  if (labelWords.some((l) => l.startsWith(w))) return 80;
  if (label.includes(w)) return 60;
  if (keywords.includes(w)) return 50;
  if (keywords.some((k) => k.startsWith(w))) return 40;
  if (isSubsequence(w, label)) return 10;
  return 0;
}

/** The match's score, or 0 when some typed word is found nowhere. */
export function matchScore(query: string, item: Matchable): number {
  const typed = words(query);
  const label = item.label.toLowerCase();
  const labelWords = words(item.label);
  const keywords = words(item.keywords);
  let total = 0;
  for (const w of typed) {
    const s = wordScore(w, label, labelWords, keywords);
    if (s === 0) return 0;
    total += s;
  }
  return total;
}

/** The commands that match, best first (ties: shorter label, then the given order). */
export function rankCommands<T extends Matchable>(
  items: readonly T[],
  query: string,
  limit = 50,
): T[] {
  if (words(query).length === 0) return items.slice(0, limit);
  return items
    .map((item, at) => ({ item, at, score: matchScore(query, item) }))
    .filter((r) => r.score > 0)
    .sort((a, b) => b.score - a.score || a.item.label.length - b.item.label.length || a.at - b.at)
    .slice(0, limit)
    .map((r) => r.item);
}
