'use client';
import { useState } from 'react';
import { whyNot, type Instance, type InstanceVerb } from '@berth/contracts';
import { useBulkInstanceAction, type BulkAction } from '@/queries/useInstances';
import { Button } from '@/components/ui/Button';
import { ConfirmDialog, ConfirmTick } from '@/components/ui/ConfirmDialog';
import { errorText } from '@/lib/errorText';
import { bulkOutcome } from '@/lib/instanceActions';
import { toast } from '@/lib/toast';

const can = (verb: InstanceVerb) => (i: Instance) => whyNot(i.kind, verb, i.state) === null;
const names = (list: Instance[]) => list.map((i) => i.name).join(', ');
const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/**
 * Start, stop or delete every selected instance at once (Promise.allSettled), then say how it
 * went, including what was left out and why. Stop and delete ask first.
 */
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
  const [confirm, setConfirm] = useState<'stop' | 'delete' | null>(null);
  const [force, setForce] = useState(false);
  const startable = selected.filter(can('start'));
  const stoppable = selected.filter(can('stop'));
  const running = selected.filter((i) => !can('delete')(i));
  const close = () => {
    setConfirm(null);
    setForce(false);
  };

  const run = async (
    targets: Instance[],
    action: BulkAction,
    verb: string,
    skipped: { count: number; why: string }[],
  ) => {
    close();
    const busy = { count: busyCount, why: 'busy (a task runs on them)' };
    const results = targets.length
      ? await bulk.mutateAsync({ ids: targets.map((i) => i.id), action })
      : [];
    const failed = results.flatMap((r, n) =>
      r.status === 'rejected' ? [`${targets[n]!.name}: ${errorText(r.reason)}`] : [],
    );
    toast(
      bulkOutcome({
        verb,
        done: targets.length - failed.length,
        failed,
        skipped: [...skipped, busy],
      }),
    );
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
        onClick={() => void run(startable, 'start', 'Started', [])}
      >
        Start selected{count(startable.length)}
      </Button>
      <Button
        size="sm"
        busy={bulk.isPending}
        disabledReason={stoppable.length ? null : 'none of the selected is running'}
        onClick={() => setConfirm('stop')}
      >
        Stop selected{count(stoppable.length)}
      </Button>
      <Button
        size="sm"
        variant="danger"
        busy={bulk.isPending}
        disabledReason={selected.length ? null : 'every selected instance is busy'}
        onClick={() => setConfirm('delete')}
      >
        Delete selected
      </Button>
      {confirm === 'stop' && (
        <ConfirmDialog
          title={`Stop ${plural(stoppable.length, 'instance')}?`}
          confirmLabel={force ? 'Power off' : 'Stop'}
          danger={force}
          onCancel={close}
          onConfirm={() =>
            void run(stoppable, { stop: { force } }, force ? 'Powered off' : 'Stopped', [])
          }
        >
          <p>
            This shuts down {names(stoppable)}: containers are stopped, VMs get an ACPI shutdown and
            are powered off if they have not stopped after the timeout.
          </p>
          <ConfirmTick checked={force} onChange={setForce}>
            Force: power off at once (unsaved data in them is lost)
          </ConfirmTick>
        </ConfirmDialog>
      )}
      {confirm === 'delete' && (
        <ConfirmDialog
          title={`Delete ${plural(selected.length, 'instance')}?`}
          confirmLabel="Delete"
          danger
          onCancel={close}
          onConfirm={() => {
            const targets = force ? selected : selected.filter(can('delete'));
            const skipped = force ? 0 : running.length;
            void run(targets, { delete: { force } }, 'Deleted', [
              { count: skipped, why: "running (tick 'Stop first')" },
            ]);
          }}
        >
          <p>This deletes {names(selected)} and their disks. It cannot be undone.</p>
          {running.length > 0 && (
            <>
              <ConfirmTick checked={force} onChange={setForce}>
                Stop first: stop the running ones, then delete them
              </ConfirmTick>
              {!force && (
                <p className="mt-2" role="note">
                  {plural(running.length, 'instance')} running ({names(running)}):{' '}
                  {running.length === 1 ? 'it is' : 'they are'} skipped unless you tick Stop first.
                </p>
              )}
            </>
          )}
        </ConfirmDialog>
      )}
    </div>
  );
}
