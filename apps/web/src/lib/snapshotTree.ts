import type { Snapshot } from '@berth/contracts';

export interface SnapshotRow {
  snapshot: Snapshot;
  /** How deep in the tree: 0 for a root. */
  depth: number;
  /** The present state descends from it directly ("you are here"). */
  current: boolean;
}

/**
 * The tree as rows in display order: each snapshot under its parent, siblings oldest first. A
 * snapshot whose parent is missing (should not happen) is shown as a root rather than lost.
 */
export function snapshotRows(items: readonly Snapshot[], current: string | null): SnapshotRow[] {
  const names = new Set(items.map((s) => s.name));
  const children = new Map<string | null, Snapshot[]>();
  for (const s of items) {
    const parent = s.parent !== null && names.has(s.parent) ? s.parent : null;
    children.set(parent, [...(children.get(parent) ?? []), s]);
  }
  const rows: SnapshotRow[] = [];
  const walk = (parent: string | null, depth: number) => {
    const kids = [...(children.get(parent) ?? [])].sort((a, b) =>
      a.createdAt.localeCompare(b.createdAt),
    );
    for (const s of kids) {
      rows.push({ snapshot: s, depth, current: s.name === current });
      walk(s.name, depth + 1);
    }
  };
  walk(null, 0);
  return rows;
}
