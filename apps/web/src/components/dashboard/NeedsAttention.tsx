'use client';
import { useState } from 'react';
import type { Leftover } from '@berth/contracts';
import { formatBytes, formatDate, formatRelative } from '@/lib/format';
import { useMe } from '@/queries/useAuth';
import { can } from '@/lib/can';
import { useDeleteLeftover } from '@/queries/useHosts';
import { Button } from '@/components/ui/Button';
import { ConfirmDelete } from '@/components/ui/ConfirmDelete';

/**
 * What the host's agent moved aside after interrupted work (a half-made disk image, a build
 * directory): never reused, so someone has to look and delete it. Shows nothing when all is clean.
 */
export function NeedsAttention({
  hostId,
  hostName,
  leftovers,
}: {
  hostId: string;
  hostName: string;
  leftovers: Leftover[];
}) {
  const me = useMe();
  const del = useDeleteLeftover();
  const [confirm, setConfirm] = useState<Leftover | null>(null);
  if (leftovers.length === 0) return null;
  const mayDelete = can(me.data, 'host.manage');
  return (
    <section
      // Named for its host: the dashboard has a "Needs attention" section of its own.
      aria-label={`Needs attention on ${hostName}`}
      className="mt-4 rounded-md border border-amber-300 bg-amber-50 p-3 dark:border-amber-700 dark:bg-amber-950/40"
    >
      <h4 className="text-sm font-semibold">Needs attention</h4>
      <p className="mt-1 text-xs text-muted">
        Remains of interrupted work, moved aside so nothing reuses them.
      </p>
      <ul className="mt-2 space-y-2">
        {leftovers.map((l) => (
          <li key={l.id} className="flex flex-wrap items-start justify-between gap-2 text-sm">
            <div className="min-w-0">
              <p className="font-medium">{l.description}</p>
              <p className="truncate font-mono text-xs text-muted" title={l.path}>
                {l.path}
              </p>
              <p className="text-xs text-muted">
                {formatBytes(l.sizeBytes)} · found{' '}
                <time dateTime={l.foundAt} title={formatDate(l.foundAt)}>
                  {formatRelative(l.foundAt)}
                </time>
              </p>
            </div>
            <Button
              size="sm"
              variant="danger"
              onClick={() => setConfirm(l)}
              disabledReason={mayDelete ? null : 'needs host.manage'}
              aria-label={`Delete ${l.description}`}
            >
              Delete
            </Button>
          </li>
        ))}
      </ul>
      {confirm && (
        <ConfirmDelete
          what={confirm.description}
          busy={del.isPending}
          remove={(callbacks) => del.mutate({ hostId, id: confirm.id }, callbacks)}
          onClose={() => setConfirm(null)}
        >
          {formatBytes(confirm.sizeBytes)} at <span className="font-mono">{confirm.path}</span> is
          removed from the host for good.
        </ConfirmDelete>
      )}
    </section>
  );
}
