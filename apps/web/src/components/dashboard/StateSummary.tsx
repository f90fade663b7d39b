import Link from 'next/link';
import type { Host, Instance, InstanceKind, InstanceState } from '@berth/contracts';
import { KindIcon, StateIcon } from '@/components/frame/icons';
import { INSTANCE_STATES, stateText } from '@/components/ui/StateBadge';

const KINDS: Array<[InstanceKind, string]> = [
  ['vm', 'VMs'],
  ['ct', 'Containers'],
];

/**
 * Instances counted by kind and state, per host when there are several: one compact table
 * instead of a big number per kind. Each count opens the list filtered to it.
 */
export function StateSummary({
  instances,
  hosts,
}: {
  instances: Instance[];
  hosts: Host[] | undefined;
}) {
  // Running and stopped always; other states only while some instance is in them.
  const states = INSTANCE_STATES.filter(
    (s) => s === 'running' || s === 'stopped' || instances.some((i) => i.state === s),
  );
  const hostIds = [...new Set(instances.map((i) => i.hostId ?? ''))];
  const perHost = hostIds.length > 1;
  const hostName = (id: string) => hosts?.find((h) => h.id === id)?.name ?? (id || 'unknown host');
  const rows = hostIds.flatMap((h) =>
    KINDS.map(([kind, label]) => ({
      key: `${h}/${kind}`,
      kind,
      label: perHost ? `${label} on ${hostName(h)}` : label,
      of: instances.filter((i) => i.kind === kind && (i.hostId ?? '') === h),
    })),
  );
  const count = (of: Instance[], s: InstanceState) => of.filter((i) => i.state === s).length;
  const cell = (n: number, href: string) =>
    n === 0 ? (
      <span className="text-muted">–</span>
    ) : (
      <Link prefetch={false} className="link-plain font-medium" href={href}>
        {n}
      </Link>
    );

  return (
    <section aria-label="Instances by state" className="card overflow-x-auto">
      <table className="table-base tabular-nums">
        <caption className="sr-only">Instances by kind and state</caption>
        <thead>
          <tr>
            <th scope="col">Kind</th>
            {states.map((s) => (
              <th key={s} scope="col" className="text-right">
                <span className="inline-flex items-center gap-1">
                  <StateIcon state={s} decorative />
                  {stateText(s)}
                </span>
              </th>
            ))}
            <th scope="col" className="text-right">
              Total
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.key}>
              <th
                scope="row"
                className="text-left text-sm font-medium tracking-normal text-fg normal-case"
              >
                <span className="inline-flex items-center gap-2">
                  <KindIcon kind={r.kind} className="text-muted" />
                  {r.label}
                </span>
              </th>
              {states.map((s) => (
                <td key={s} className="text-right">
                  {cell(count(r.of, s), `/instances/?kind=${r.kind}&state=${s}`)}
                </td>
              ))}
              <td className="text-right">{cell(r.of.length, `/instances/?kind=${r.kind}`)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {instances.length === 0 && (
        <p className="px-3 py-2 text-sm text-muted">
          No instances yet.{' '}
          <Link className="link" href="/instances/new/">
            Create one
          </Link>
        </p>
      )}
    </section>
  );
}
