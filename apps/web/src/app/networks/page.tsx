'use client';
import Link from 'next/link';
import { useState } from 'react';
import type { Network } from '@berth/contracts';
import { useMe } from '@/queries/useAuth';
import { useDeleteNetwork, useNetworks } from '@/queries/useNetworks';
import { needs } from '@/lib/can';
import { Button } from '@/components/ui/Button';
import { ConfirmDelete } from '@/components/ui/ConfirmDelete';
import { DataTable, type Column } from '@/components/ui/DataTable';
import { EmptyState, PageHeader } from '@/components/ui/States';
import { HostAdapters } from '@/components/networks/HostAdapters';
import { NetworkForm } from '@/components/networks/NetworkForm';

/** Why a network cannot be deleted now, or null (the agent says the same with a 409). */
const undeletable = (n: Network) =>
  n.default
    ? "the agent's configured bridge stays"
    : n.instances.length
      ? `used by ${n.instances.map((i) => i.name).join(', ')}`
      : null;

const badge = (text: string) => (
  <span className="rounded-full bg-sky-100 px-2 py-0.5 text-xs font-medium text-sky-900 dark:bg-sky-900/50 dark:text-sky-100">
    {text}
  </span>
);

const columns = (deny: string | null, onDelete: (n: Network) => void): Column<Network>[] => [
  {
    id: 'name',
    header: 'Name',
    cell: (n) => (
      <span className="flex items-center gap-2">
        <Link className="link" href={`/networks/view/?name=${encodeURIComponent(n.name)}`}>
          {n.name}
        </Link>
        {n.default && badge('default')}
        {!n.up && (
          <span className="rounded-full bg-red-100 px-2 py-0.5 text-xs font-medium text-red-800 dark:bg-red-900/50 dark:text-red-200">
            down
          </span>
        )}
      </span>
    ),
    cellClassName: 'font-medium',
  },
  {
    id: 'subnet',
    header: 'Gateway / subnet',
    cell: (n) => n.ipv4,
    cellClassName: 'font-mono text-xs',
  },
  { id: 'nat', header: 'NAT', cell: (n) => (n.nat ? 'on' : 'off') },
  {
    id: 'dhcp',
    header: 'DHCP',
    cell: (n) => (n.dhcp.enabled ? `${n.dhcp.first} – ${n.dhcp.last}` : 'off'),
    cellClassName: 'font-mono text-xs',
  },
  { id: 'mtu', header: 'MTU', cell: (n) => n.mtu, className: 'hidden md:table-cell' },
  { id: 'bridge', header: 'Bridge', cell: (n) => n.bridge, className: 'hidden lg:table-cell' },
  {
    id: 'instances',
    header: 'Instances',
    cell: (n) => n.instances.length,
    title: (n) => n.instances.map((i) => i.name).join(', ') || undefined,
    cellClassName: 'tabular-nums',
  },
  {
    id: 'actions',
    header: <span className="sr-only">Actions</span>,
    cell: (n) => (
      <span className="flex justify-end gap-2 whitespace-nowrap">
        <Link
          className="btn-link text-sm"
          href={`/networks/view/?name=${encodeURIComponent(n.name)}`}
          aria-label={`Edit ${n.name}`}
        >
          Edit
        </Link>
        <Button
          size="sm"
          aria-label={`Delete ${n.name}`}
          disabledReason={deny ?? undeletable(n)}
          onClick={() => onDelete(n)}
        >
          Delete
        </Button>
      </span>
    ),
    cellClassName: 'text-right',
  },
];

export default function NetworksPage() {
  const networks = useNetworks();
  const me = useMe().data;
  const del = useDeleteNetwork();
  const [confirm, setConfirm] = useState<Network | null>(null);
  const deny = needs(me, 'host.manage');
  return (
    <>
      <PageHeader
        title="Networks"
        description="Virtual networks: a bridge with the host as gateway, NAT to the outside and DHCP. Instances on one network reach each other, not those on another."
      />
      <div className="space-y-6">
        <DataTable
          query={networks}
          columns={columns(deny, setConfirm)}
          rowKey={(n) => n.name}
          caption="Networks"
          loadingLabel="Loading networks…"
          empty={<EmptyState title="No networks" />}
        />
        <NetworkForm disabledReason={deny} />
        <HostAdapters />
      </div>
      {confirm && (
        <ConfirmDelete
          what={`network ${confirm.name}`}
          busy={del.isPending}
          remove={(callbacks) => del.mutate(confirm.name, callbacks)}
          onClose={() => setConfirm(null)}
        >
          Its bridge {confirm.bridge}, its NAT table and its DHCP server go.
        </ConfirmDelete>
      )}
    </>
  );
}
