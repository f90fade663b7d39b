'use client';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { actionsFor, whyNot, type Instance, type InstanceAction } from '@berth/contracts';
import { useDeleteInstance, useInstanceAction } from '@/queries/useInstances';
import { actionDenied, actionLabel, busyReason } from '@/lib/instanceActions';
import { useMe } from '@/queries/useAuth';
import { useActiveTaskByInstance } from '@/queries/useTasks';
import { Button } from '@/components/ui/Button';
import { ConfirmDialog } from '@/components/ui/ConfirmDialog';
import { errorText } from '@/lib/errorText';
import { toast } from '@/lib/toast';

/** Every action the instance's kind offers; a disabled one says why (tooltip and description). */
export function InstanceActions({ instance }: { instance: Instance }) {
  const router = useRouter();
  const act = useInstanceAction();
  const del = useDeleteInstance({ onSuccess: () => router.push('/instances/') });
  const [pending, setPending] = useState<InstanceAction | null>(null);
  const [confirm, setConfirm] = useState<'delete' | 'reset' | null>(null);
  const [force, setForce] = useState(false);
  const needsForce = whyNot(instance.kind, 'delete', instance.state) !== null;
  const busy = busyReason(useActiveTaskByInstance().get(instance.id));
  const me = useMe().data;

  const run = (action: InstanceAction) => {
    setPending(action);
    act.mutate(
      { id: instance.id, action },
      {
        onError: (e) =>
          toast({ tone: 'error', title: `Cannot ${action} ${instance.name}`, body: errorText(e) }),
        onSettled: () => setPending(null),
      },
    );
  };

  return (
    <div role="toolbar" aria-label="Instance actions" className="flex flex-wrap gap-2">
      {actionsFor(instance.kind).map((a) => (
        <Button
          key={a}
          size="sm"
          variant={a === 'start' ? 'primary' : 'secondary'}
          disabledReason={
            busy ?? actionDenied(me, instance, a) ?? whyNot(instance.kind, a, instance.state)
          }
          busy={pending === a}
          onClick={() => (a === 'reset' ? setConfirm('reset') : run(a))}
        >
          {actionLabel[a]}
        </Button>
      ))}
      <Button
        size="sm"
        variant="danger"
        onClick={() => setConfirm('delete')}
        busy={del.isPending}
        disabledReason={busy ?? actionDenied(me, instance, 'delete')}
      >
        Delete
      </Button>
      {confirm === 'reset' && (
        <ConfirmDialog
          title={`Reset ${instance.name}?`}
          confirmLabel="Reset"
          danger
          onCancel={() => setConfirm(null)}
          onConfirm={() => {
            setConfirm(null);
            run('reset');
          }}
        >
          A hard reset, like pressing the reset button: unsaved data in the guest is lost.
        </ConfirmDialog>
      )}
      {confirm === 'delete' && (
        <ConfirmDialog
          title={`Delete ${instance.name}?`}
          confirmLabel="Delete"
          danger
          busy={del.isPending}
          onCancel={() => setConfirm(null)}
          onConfirm={() =>
            del.mutate(
              { id: instance.id, force: needsForce && force },
              {
                onSuccess: () => setConfirm(null),
                onError: (e) => {
                  setConfirm(null);
                  toast({
                    tone: 'error',
                    title: `Cannot delete ${instance.name}`,
                    body: errorText(e),
                  });
                },
              },
            )
          }
        >
          <p>
            This deletes the {instance.kind === 'vm' ? 'VM' : 'container'} and its disks. It cannot
            be undone.
          </p>
          {needsForce && (
            <label className="mt-3 flex items-center gap-2 text-fg">
              <input type="checkbox" checked={force} onChange={(e) => setForce(e.target.checked)} />
              It is {instance.state}: stop it first
            </label>
          )}
        </ConfirmDialog>
      )}
    </div>
  );
}
