'use client';
import { useState } from 'react';
import type { Pool } from '@berth/contracts';
import { useMe } from '@/queries/useAuth';
import { useDeletePool, usePools, useSetDefaultPool } from '@/queries/useStorage';
import { needs } from '@/lib/can';
import { errorText } from '@/lib/errorText';
import { formatBytes } from '@/lib/format';
import { toast } from '@/lib/toast';
import { Button } from '@/components/ui/Button';
import { ConfirmDelete } from '@/components/ui/ConfirmDelete';
import { DataTable, type Column } from '@/components/ui/DataTable';
import { ProgressBar } from '@/components/ui/ProgressBar';
import { EmptyState, PageHeader } from '@/components/ui/States';
import { CreatePoolForm } from '@/components/storage/CreatePoolForm';

const can = (p: Pool) =>
  [p.capabilities.snapshots && 'snapshots', p.capabilities.linkedClones && 'linked clones']
    .filter(Boolean)
    .join(', ') || 'full copies only';

/** Why a pool cannot be deleted now, or null. */
const undeletable = (p: Pool) =>
  p.driver === 'dir'
    ? "the agent's own images folder stays"
    : p.default
      ? 'make another pool the default first'
      : p.instances.length
        ? `holds ${p.instances.map((i) => i.name).join(', ')}`
        : null;

const columns = (
  deny: string | null,
  onDefault: (p: Pool) => void,
  onDelete: (p: Pool) => void,
): Column<Pool>[] => [
  {
    id: 'name',
    header: 'Name',
    cell: (p) => (
      <span className="flex items-center gap-2">
        {p.name}
        {p.default && (
          <span className="rounded-full bg-sky-100 px-2 py-0.5 text-xs font-medium text-sky-900 dark:bg-sky-900/50 dark:text-sky-100">
            default
          </span>
        )}
        {!p.available && (
          <span className="rounded-full bg-red-100 px-2 py-0.5 text-xs font-medium text-red-800 dark:bg-red-900/50 dark:text-red-200">
            unavailable
          </span>
        )}
      </span>
    ),
    cellClassName: 'font-medium',
  },
  { id: 'driver', header: 'Driver', cell: (p) => p.driver },
  {
    id: 'usage',
    header: 'Used',
    cell: (p) => {
      const percent = p.totalBytes ? Math.round((p.usedBytes / p.totalBytes) * 100) : 0;
      return (
        <div className="min-w-[10rem] space-y-1">
          <ProgressBar value={percent} label={`${p.name} used`} />
          <span className="text-xs text-muted tabular-nums">
            {formatBytes(p.usedBytes)} of {formatBytes(p.totalBytes)}, {formatBytes(p.freeBytes)}{' '}
            free
          </span>
        </div>
      );
    },
  },
  { id: 'can', header: 'Offers', cell: can, className: 'hidden md:table-cell' },
  {
    id: 'instances',
    header: 'Instances',
    cell: (p) => p.instances.length,
    title: (p) => p.instances.map((i) => i.name).join(', ') || undefined,
    cellClassName: 'tabular-nums',
  },
  {
    id: 'source',
    header: 'Source',
    cell: (p) => p.source,
    // The widest column and the least needed: only on wide screens (the tooltip has it whole).
    className: 'hidden 2xl:table-cell',
    cellClassName: 'max-w-[16rem] truncate font-mono text-xs',
    title: (p) => p.source,
  },
  {
    id: 'actions',
    header: <span className="sr-only">Actions</span>,
    cell: (p) => (
      <span className="flex justify-end gap-2 whitespace-nowrap">
        <Button
          size="sm"
          aria-label={`Make default: ${p.name}`}
          disabledReason={deny ?? (p.default ? 'it is the default' : null)}
          onClick={() => onDefault(p)}
        >
          Make default
        </Button>
        <Button
          size="sm"
          aria-label={`Delete ${p.name}`}
          disabledReason={deny ?? undeletable(p)}
          onClick={() => onDelete(p)}
        >
          Delete
        </Button>
      </span>
    ),
    cellClassName: 'text-right',
  },
];

export default function StoragePage() {
  const pools = usePools();
  const me = useMe().data;
  const setDefault = useSetDefaultPool();
  const del = useDeletePool();
  const [confirm, setConfirm] = useState<Pool | null>(null);
  const deny = needs(me, 'host.manage');
  const makeDefault = (p: Pool) =>
    setDefault.mutate(p.name, {
      onSuccess: () => toast({ tone: 'success', title: `${p.name} is the default pool` }),
      onError: (e) => toast({ tone: 'error', title: 'Default not changed', body: errorText(e) }),
    });
  return (
    <>
      <PageHeader
        title="Storage"
        description="Storage pools hold the containers' private areas. Copy-on-write pools (btrfs) take snapshots and make linked clones in an instant."
      />
      <div className="space-y-6">
        <DataTable
          query={pools}
          columns={columns(deny, makeDefault, setConfirm)}
          rowKey={(p) => p.name}
          caption="Storage pools"
          loadingLabel="Loading pools…"
          empty={<EmptyState title="No storage pools" />}
        />
        <CreatePoolForm disabledReason={deny} />
      </div>
      {confirm && (
        <ConfirmDelete
          what={`pool ${confirm.name}`}
          busy={del.isPending}
          remove={(callbacks) => del.mutate(confirm.name, callbacks)}
          onClose={() => setConfirm(null)}
        >
          Its filesystem is unmounted and, for a pool on an image file, the file is removed.
        </ConfirmDelete>
      )}
    </>
  );
}
