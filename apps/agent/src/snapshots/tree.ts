/** A snapshot as a record keeps it: a node of the instance's tree. */
export interface SnapshotNode {
  name: string;
  parent: string | null;
  description: string;
  createdAt: string;
  withMemory: boolean;
}

export interface SnapshotTree<N extends SnapshotNode = SnapshotNode> {
  snapshots: N[];
  current: string | null;
}

/** The tree without one snapshot: its children hang from its parent, as qcow2's merge leaves them. */
export function withoutSnapshot<N extends SnapshotNode>(
  tree: SnapshotTree<N>,
  name: string,
): SnapshotTree<N> {
  const gone = tree.snapshots.find((s) => s.name === name);
  if (!gone) return tree;
  return {
    snapshots: tree.snapshots
      .filter((s) => s !== gone)
      .map((s) => (s.parent === name ? { ...s, parent: gone.parent } : s)),
    current: tree.current === name ? gone.parent : tree.current,
  };
}

/**
 * Makes the tree agree with the snapshots the storage holds (the truth after a crash): nodes the
 * storage lacks go, snapshots it has that the tree lacks come in under the current one, made
 * by `adopt`.
 */
export function agreeWith<N extends SnapshotNode>(
  tree: SnapshotTree<N>,
  held: string[],
  adopt: (name: string, parent: string | null) => N,
): SnapshotTree<N> {
  let out = tree;
  for (const s of tree.snapshots) if (!held.includes(s.name)) out = withoutSnapshot(out, s.name);
  for (const name of held) {
    if (out.snapshots.some((s) => s.name === name)) continue;
    out = { snapshots: [...out.snapshots, adopt(name, out.current)], current: name };
  }
  return out;
}
