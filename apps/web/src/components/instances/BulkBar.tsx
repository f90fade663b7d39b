'use client';
import { useState } from 'react';
import { whyNot, type Instance, type InstanceVerb } from '@berth/contracts';
import { useBulkInstanceAction, type BulkAction } from '@/queries/useInstances';
import { Button } from '@/components/ui/Button';
import { ConfirmDialog } from '@/components/ui/ConfirmDialog';
import { errorText } from '@/lib/errorText';
import { toast } from '@/lib/toast';

const can = (verb: InstanceVerb) => (i: Instance) => whyNot(i.kind, verb, i.state) === null;

/** Start, stop or delete every selected instance at once (Promise.allSettled), then say how it went. */
export function BulkBar({
  selected,
  busyCount = 0,
  onDone,
}: {
  /** The selected instances that can take an action now. */
  selected: Instance[];
  /** Selected ones skipped because a task runs on them. */
  busyCount?: number;
  onDone: () => void;
}) {
  const bulk = useBulkInstanceAction();
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [force, setForce] = useState(false);
  const startable = selected.filter(can('start'));
  const stoppable = selected.filter(can('stop'));
  const needForce = !selected.every(can('delete'));

  const run = async (targets: Instance[], action: BulkAction, verb: string) => {
    if (targets.length === 0) return;
    const results = await bulk.mutateAsync({ ids: targets.map((i) => i.id), action });
    const failed = results.flatMap((r, n) =>
      r.status === 'rejected' ? [`${targets[n]!.name}: ${errorText(r.reason)}`] : [],
    );
    toast({
      tone: failed.length ? 'error' : 'success',
      title: `${verb} ${targets.length - failed.length} of ${targets.length}`,
      body: failed.length ? failed.join('; ') : undefined,
    });
    onDone();
  };

  if (selected.length + busyCount === 0) return null;
  const count = (n: number) => (n !== selected.length ? ` (${n})` : '');
  return (
    <div
      role="region"
      aria-label="Selected instances"
      className="mb-3 flex flex-wrap items-center gap-2 rounded-lg border border-sky-300 bg-sky-50 px-3 py-2 dark:border-sky-800 dark:bg-sky-950/40"
    >
      <span className="text-sm font-medium">
        {selected.length + busyCount} selected
        {busyCount > 0 && (
          <span className="font-normal text-muted"> ({busyCount} busy, skipped)</span>
        )}
      </span>
      <Button
        size="sm"
        busy={bulk.isPending}
        disabledReason={startable.length ? null : 'none of the selected can be started'}
        onClick={() => void run(startable, 'start', 'Started')}
      >
        Start selected{count(startable.length)}
      </Button>
      <Button
        size="sm"
        busy={bulk.isPending}
        disabledReason={stoppable.length ? null : 'none of the selected is running'}
        onClick={() => void run(stoppable, 'stop', 'Stopped')}
      >
        Stop selected{count(stoppable.length)}
      </Button>
      <Button
        size="sm"
        variant="danger"
        busy={bulk.isPending}
        disabledReason={selected.length ? null : 'every selected instance is busy'}
        onClick={() => setConfirmDelete(true)}
      >
        Delete selected
      </Button>
      {confirmDelete && (
        <ConfirmDialog
          title={`Delete ${selected.length} instance${selected.length === 1 ? '' : 's'}?`}
          confirmLabel="Delete"
          danger
          onCancel={() => setConfirmDelete(false)}
          onConfirm={() => {
            const targets = force ? selected : selected.filter(can('delete'));
            setConfirmDelete(false);
            void run(targets, { delete: { force } }, 'Deleted');
          }}
        >
          <p>
            This deletes {selected.map((i) => i.name).join(', ')} and their disks. It cannot be
            undone.
          </p>
          {needForce && (
            <label className="mt-3 flex items-center gap-2 text-fg">
              <input type="checkbox" checked={force} onChange={(e) => setForce(e.target.checked)} />
              Stop running instances first (otherwise they are skipped)
            </label>
          )}
        </ConfirmDialog>
      )}
    </div>
  );
}
