'use client';
import Link from 'next/link';
import { useState } from 'react';
import type { FirewallSet } from '@berth/contracts';
import { useMe } from '@/queries/useAuth';
import { useDeleteFirewallSet, useFirewallSets } from '@/queries/useFirewallSets';
import { needs } from '@/lib/can';
import { Pager } from '@/components/alerts/AlertHistory';
import { Button } from '@/components/ui/Button';
import { ConfirmDelete } from '@/components/ui/ConfirmDelete';
import { DataTable, type Column } from '@/components/ui/DataTable';
import { EmptyState, PageHeader } from '@/components/ui/States';
import { FirewallSetForm } from '@/components/firewall/FirewallSetForm';

const PAGE = 20;

/** Who uses a set, in words; the agent refuses a delete with the same list (409). */
const usersOf = (s: FirewallSet) => [
  ...s.usedBy.instances.map((i) => `instance ${i.name}`),
  ...s.usedBy.networks.map((n) => `network ${n}`),
];

const columns = (
  deny: string | null,
  onEdit: (s: FirewallSet) => void,
  onDelete: (s: FirewallSet) => void,
): Column<FirewallSet>[] => [
  { id: 'name', header: 'Name', cell: (s) => `@${s.name}`, cellClassName: 'font-mono' },
  {
    id: 'addresses',
    header: 'Addresses',
    cell: (s) =>
      s.addresses.length > 4
        ? `${s.addresses.slice(0, 4).join(', ')} … (${s.addresses.length})`
        : s.addresses.join(', ') || 'none',
    title: (s) => s.addresses.join('\n') || undefined,
    cellClassName: 'font-mono text-xs',
  },
  { id: 'comment', header: 'Comment', cell: (s) => s.comment, className: 'hidden md:table-cell' },
  {
    id: 'used',
    header: 'Used by',
    cell: (s) => (
      <span className="flex flex-wrap gap-x-2">
        {s.usedBy.instances.map((i) => (
          <Link key={i.id} className="link" href={`/instances/view/?id=${i.id}&tab=firewall`}>
            {i.name}
          </Link>
        ))}
        {s.usedBy.networks.map((n) => (
          <Link key={n} className="link" href={`/networks/view/?name=${encodeURIComponent(n)}`}>
            network {n}
          </Link>
        ))}
        {usersOf(s).length === 0 && <span className="text-muted">nothing</span>}
      </span>
    ),
  },
  {
    id: 'actions',
    header: <span className="sr-only">Actions</span>,
    cell: (s) => (
      <span className="flex justify-end gap-2 whitespace-nowrap">
        <Button
          size="sm"
          aria-label={`Edit ${s.name}`}
          disabledReason={deny}
          onClick={() => onEdit(s)}
        >
          Edit
        </Button>
        <Button
          size="sm"
          aria-label={`Delete ${s.name}`}
          disabledReason={deny ?? (usersOf(s).length ? `used by ${usersOf(s).join(', ')}` : null)}
          onClick={() => onDelete(s)}
        >
          Delete
        </Button>
      </span>
    ),
    cellClassName: 'text-right',
  },
];

export default function FirewallSetsPage() {
  const sets = useFirewallSets();
  const del = useDeleteFirewallSet();
  const deny = needs(useMe().data, 'host.manage');
  const [editing, setEditing] = useState<FirewallSet | null>(null);
  const [deleting, setDeleting] = useState<FirewallSet | null>(null);
  const [offset, setOffset] = useState(0);
  const total = sets.data?.length ?? 0;
  // A delete may leave the page past the end: show the last one then.
  const at = offset < total ? offset : Math.max(0, Math.floor((total - 1) / PAGE) * PAGE);
  return (
    <>
      <PageHeader
        title="Address sets"
        description="Named lists of IPv4 and IPv6 addresses and networks. Firewall rules of instances and networks name them as @name; a change reaches every firewall that uses the set at once."
      />
      <div className="space-y-6">
        <div>
          <DataTable
            query={{ ...sets, data: sets.data?.slice(at, at + PAGE) }}
            columns={columns(deny, setEditing, setDeleting)}
            rowKey={(s) => s.name}
            caption="Address sets"
            loadingLabel="Loading address sets…"
            empty={
              <EmptyState title="No address sets">
                Make one below, then name it in a rule as @name.
              </EmptyState>
            }
          />
          <Pager offset={at} limit={PAGE} total={total} onOffset={setOffset} />
        </div>
        {editing ? (
          <FirewallSetForm
            key={editing.name}
            set={editing}
            disabledReason={deny}
            onDone={() => setEditing(null)}
          />
        ) : (
          <FirewallSetForm disabledReason={deny} />
        )}
      </div>
      {deleting && (
        <ConfirmDelete
          what={`address set ${deleting.name}`}
          busy={del.isPending}
          remove={(callbacks) => del.mutate(deleting.name, callbacks)}
          onClose={() => setDeleting(null)}
        >
          Rules can no longer name @{deleting.name}.
        </ConfirmDelete>
      )}
    </>
  );
}
