'use client';
import { useState } from 'react';
import { CANCELLABLE_KINDS, type Me, type Task } from '@berth/contracts';
import { can } from '@/lib/can';
import { taskTitle } from '@/lib/format';
import { useMe } from '@/queries/useAuth';
import { useCancelTask } from '@/queries/useTasks';
import { Button } from '@/components/ui/Button';
import { ConfirmDialog } from '@/components/ui/ConfirmDialog';
import { ErrorMessage } from '@/components/ui/ErrorMessage';

/**
 * Whether this user may cancel this task now, as the API decides: a running create or template
 * build, started by them, or instance work and console-wide instance.power.
 */
export function mayCancel(me: Me | null | undefined, task: Task): boolean {
  if (task.status !== 'running' || !CANCELLABLE_KINDS.has(task.kind)) return false;
  return (
    (!!me && task.userId === me.id) ||
    (task.kind.startsWith('instance.') && can(me, 'instance.power'))
  );
}

/** "Cancel" on a running task, asked first: the work stops and what it did is rolled back. */
export function CancelTask({ task, size = 'sm' }: { task: Task; size?: 'sm' | 'md' }) {
  const me = useMe().data;
  const cancel = useCancelTask();
  const [asking, setAsking] = useState(false);
  if (!mayCancel(me, task)) return null;
  const title = taskTitle(task.kind);
  return (
    <>
      <Button size={size} busy={cancel.isPending} onClick={() => setAsking(true)}>
        Cancel
      </Button>
      {asking && (
        <ConfirmDialog
          title={`Cancel “${title}”?`}
          confirmLabel="Stop and roll back"
          danger
          busy={cancel.isPending}
          onCancel={() => {
            cancel.reset();
            setAsking(false);
          }}
          onConfirm={() => cancel.mutate(task.id, { onSuccess: () => setAsking(false) })}
        >
          <p>
            The work stops at its next step and what it has done so far is undone: a half-made
            instance or template is removed. The task then ends as cancelled.
          </p>
          {cancel.error && (
            <ErrorMessage className="mt-2 text-red-700 dark:text-red-300" error={cancel.error} />
          )}
        </ConfirmDialog>
      )}
    </>
  );
}
