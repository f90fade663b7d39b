import type { Host, Instance } from '@berth/contracts';

export type TreeGrouping = 'kind' | 'tag';

export interface TreeGroup {
  /** Stable key for remembering whether it is collapsed ("host:local/kind:vm"). */
  key: string;
  label: string;
  instances: Instance[];
}

export interface TreeHost {
  key: string;
  label: string;
  online: boolean | null;
  groups: TreeGroup[];
  count: number;
}

/** Whether an instance answers the tree's filter: name, CT ID, tag or state, as typed. */
export function matchesFilter(i: Instance, filter: string): boolean {
  const words = filter.trim().toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const hay = [i.name, String(i.ctid ?? ''), i.state, i.kind, ...i.tags].join(' ').toLowerCase();
  return words.every((w) => hay.includes(w));
}

const byName = (a: Instance, b: Instance) => a.name.localeCompare(b.name);
const NO_HOST = '';

/**
 * Hosts, then instances grouped by kind (VMs first) or by tag (an instance under each of its
 * tags, untagged ones last), each group sorted by name. Hosts the user may not list (no
 * host.view) still appear by id, from their instances.
 */
export function buildTree(
  instances: readonly Instance[],
  hosts: readonly Host[] | undefined,
  grouping: TreeGrouping,
  filter: string,
): TreeHost[] {
  const perHost = new Map<string, Instance[]>();
  for (const h of hosts ?? []) perHost.set(h.id, []);
  for (const i of instances) {
    if (!matchesFilter(i, filter)) continue;
    const id = i.hostId ?? NO_HOST;
    perHost.set(id, [...(perHost.get(id) ?? []), i]);
  }
  return [...perHost].map(([id, list]) => {
    const host = hosts?.find((h) => h.id === id);
    const key = `host:${id}`;
    const groups: TreeGroup[] = [];
    if (grouping === 'kind') {
      for (const [kind, label] of [
        ['vm', 'Virtual machines'],
        ['ct', 'Containers'],
      ] as const) {
        const of = list.filter((i) => i.kind === kind).sort(byName);
        if (of.length) groups.push({ key: `${key}/kind:${kind}`, label, instances: of });
      }
    } else {
      const tags = [...new Set(list.flatMap((i) => i.tags))].sort();
      for (const t of tags)
        groups.push({
          key: `${key}/tag:${t}`,
          label: t,
          instances: list.filter((i) => i.tags.includes(t)).sort(byName),
        });
      const untagged = list.filter((i) => i.tags.length === 0).sort(byName);
      if (untagged.length)
        groups.push({ key: `${key}/untagged`, label: 'No tag', instances: untagged });
    }
    return {
      key,
      label: host?.name ?? (id === NO_HOST ? 'Instances' : id),
      online: host ? host.status === 'online' : null,
      groups,
      count: list.length,
    };
  });
}
