'use client';
import { useState } from 'react';
import { MapPin } from 'lucide-react';
import type { Instance, Snapshot } from '@berth/contracts';
import { needs } from '@/lib/can';
import { errorText } from '@/lib/errorText';
import { formatBytes, formatDate } from '@/lib/format';
import { busyReason } from '@/lib/instanceActions';
import { snapshotRows } from '@/lib/snapshotTree';
import { toast } from '@/lib/toast';
import { useMe } from '@/queries/useAuth';
import { useSnapshotChange, useSnapshots } from '@/queries/useSnapshots';
import { useActiveTaskByInstance } from '@/queries/useTasks';
import { Button } from '@/components/ui/Button';
import { ConfirmDialog } from '@/components/ui/ConfirmDialog';
import { EmptyState, ErrorState, LoadingState } from '@/components/ui/States';
import { TableHead } from '@/components/ui/TableHead';
import { TakeSnapshotDialog } from './TakeSnapshotDialog';

const live = (i: Pick<Instance, 'state'>) => i.state === 'running' || i.state === 'paused';

/** What a revert does to this instance, said before it is confirmed. */
function revertMeans(instance: Instance, s: Snapshot): string {
  if (s.withMemory)
    return `${instance.name} ends running in the state saved in ${s.name}; what it does now and what changed on its disks since are lost.`;
  if (live(instance))
    return `${instance.name} is ${instance.state}: it is powered off first (unsaved data in it is lost), its disks go back to ${s.name}, and it stays stopped.`;
  return `The disks of ${instance.name} go back to ${s.name}; changes since are lost.`;
}

/**
 * The instance's snapshots as an indented tree with "you are here" on the current one: take,
 * revert and delete, each a task whose end is told by a toast.
 */
export function SnapshotsTab({
  instance,
  openTake = false,
}: {
  instance: Instance;
  /** Opened from the palette's "Snapshot <name>": the take dialog is up at once. */
  openTake?: boolean;
}) {
  const q = useSnapshots(instance.id);
  const change = useSnapshotChange(instance.id);
  const me = useMe().data;
  const busy = busyReason(useActiveTaskByInstance().get(instance.id));
  const [taking, setTaking] = useState(openTake);
  const [reverting, setReverting] = useState<Snapshot | null>(null);
  const [deleting, setDeleting] = useState<Snapshot | null>(null);

  if (q.isPending) return <LoadingState label="Loading snapshots…" />;
  if (q.isError || !q.data) return <ErrorState error={q.error} onRetry={() => void q.refetch()} />;
  const list = q.data;
  const unsupported = list.supported.snapshots
    ? null
    : (list.supported.reason ?? 'this instance cannot take snapshots');
  const denied = needs(me, 'instance.snapshot', instance);
  const reason = denied ?? busy;
  const rows = snapshotRows(list.items, list.current);

  const run = (what: string, c: Parameters<typeof change.mutate>[0]['change'], close: () => void) =>
    // The task's end is toasted by the event stream, as every task of one's own; a request
    // refused before it became a task is told here.
    change.mutate(
      { change: c },
      {
        onSettled: close,
        onError: (e) => toast({ tone: 'error', title: `${what} refused`, body: errorText(e) }),
      },
    );

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center gap-3">
        <Button
          variant="primary"
          size="sm"
          disabledReason={unsupported ?? reason}
          onClick={() => setTaking(true)}
        >
          Take snapshot
        </Button>
        {unsupported && (
          <p className="text-sm text-muted" role="note">
            Snapshots are not available: {unsupported}
          </p>
        )}
      </div>
      {rows.length === 0 ? (
        <EmptyState title="No snapshots yet">
          {unsupported ? null : 'A snapshot keeps the instance as it is now, to come back to.'}
        </EmptyState>
      ) : (
        <div className="card overflow-x-auto" role="region" aria-label="Snapshots" tabIndex={0}>
          <table className="table-base">
            <caption className="sr-only">
              Snapshots of {instance.name}, each under the one it was taken after
            </caption>
            <TableHead
              columns={[
                { label: 'Snapshot' },
                { label: 'Taken' },
                { label: 'Memory', className: 'hidden sm:table-cell' },
                { label: 'Size', className: 'hidden md:table-cell' },
                { label: 'Description', className: 'hidden md:table-cell' },
              ]}
            />
            <tbody>
              {rows.map(({ snapshot: s, depth, current }) => (
                <tr key={s.name} aria-current={current ? 'true' : undefined}>
                  <td>
                    <span
                      className="flex items-center gap-2"
                      style={{ paddingLeft: `${depth * 1.25}rem` }}
                    >
                      {depth > 0 && (
                        <span aria-hidden className="text-muted">
                          └
                        </span>
                      )}
                      <span className="font-mono text-xs">{s.name}</span>
                      {current && (
                        <span className="inline-flex items-center gap-1 rounded-full bg-sky-100 px-2 py-0.5 text-xs font-medium text-sky-800 dark:bg-sky-900/50 dark:text-sky-200">
                          <MapPin aria-hidden size={12} />
                          you are here
                        </span>
                      )}
                    </span>
                  </td>
                  <td className="whitespace-nowrap">{formatDate(s.createdAt)}</td>
                  <td className="hidden sm:table-cell">{s.withMemory ? 'yes' : 'no'}</td>
                  <td className="hidden md:table-cell">
                    {s.sizeBytes === null ? '–' : formatBytes(s.sizeBytes)}
                  </td>
                  <td className="hidden max-w-md truncate md:table-cell" title={s.description}>
                    {s.description}
                  </td>
                  <td>
                    <span className="flex gap-2">
                      <Button
                        size="sm"
                        disabledReason={reason}
                        aria-label={`Revert to ${s.name}`}
                        onClick={() => setReverting(s)}
                      >
                        Revert
                      </Button>
                      <Button
                        size="sm"
                        variant="ghost"
                        disabledReason={reason}
                        aria-label={`Delete ${s.name}`}
                        onClick={() => setDeleting(s)}
                      >
                        Delete
                      </Button>
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {taking && (
        <TakeSnapshotDialog
          instance={instance}
          supported={list.supported}
          onClose={() => setTaking(false)}
        />
      )}
      {reverting && (
        <ConfirmDialog
          title={`Revert ${instance.name} to ${reverting.name}?`}
          confirmLabel={!reverting.withMemory && live(instance) ? 'Stop and revert' : 'Revert'}
          danger
          busy={change.isPending}
          onCancel={() => setReverting(null)}
          onConfirm={() =>
            run(
              `Revert ${instance.name} to ${reverting.name}`,
              { revert: reverting.name, body: { stopRunning: live(instance) } },
              () => setReverting(null),
            )
          }
        >
          {revertMeans(instance, reverting)}
        </ConfirmDialog>
      )}
      {deleting && (
        <ConfirmDialog
          title={`Delete snapshot ${deleting.name}?`}
          confirmLabel="Delete"
          danger
          busy={change.isPending}
          onCancel={() => setDeleting(null)}
          onConfirm={() =>
            run(`Delete snapshot ${deleting.name}`, { remove: deleting.name }, () =>
              setDeleting(null),
            )
          }
        >
          The instance stays as it is; snapshots taken after {deleting.name} stay, under its parent.
        </ConfirmDialog>
      )}
    </div>
  );
}
