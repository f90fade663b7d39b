'use client';
import { useState } from 'react';
import { whyNot, type Instance } from '@berth/contracts';
import { useUnprivilegeInstance } from '@/queries/useInstances';
import { useMe } from '@/queries/useAuth';
import { useActiveTaskByInstance } from '@/queries/useTasks';
import { busyReason } from '@/lib/instanceActions';
import { needs } from '@/lib/can';
import { errorText } from '@/lib/errorText';
import { toast } from '@/lib/toast';
import { Button } from '@/components/ui/Button';
import { ConfirmDialog } from '@/components/ui/ConfirmDialog';

/** What a privileged container means, in one sentence, wherever one is flagged. */
export const PRIVILEGED_MEANS =
  'No user namespace: root inside the container is root on the host, so whoever is root in it can change the host.';

/** The flag a privileged container carries in lists and headers. */
export function PrivilegedBadge() {
  return (
    <span
      data-privileged
      title={PRIVILEGED_MEANS}
      className="inline-flex items-center rounded-full bg-red-100 px-2 py-0.5 text-xs font-semibold text-red-800 dark:bg-red-900/50 dark:text-red-200"
    >
      Privileged
    </span>
  );
}

const warningBox =
  'rounded-lg border border-red-300 bg-red-50 p-3 text-sm text-red-900 dark:border-red-800 dark:bg-red-950/40 dark:text-red-100';

/** The create form's warning, shown while "privileged" is ticked. */
export function PrivilegedCreateWarning() {
  return (
    <div role="alert" className={warningBox}>
      <p className="font-semibold">Root in this container will be root on the host.</p>
      <p className="mt-1">
        A privileged container has no user namespace: its root user (and anything that becomes root
        in it) can change kernel settings, reach devices and write the host&apos;s files. Use it
        only for software you trust as much as the host itself. It can be made unprivileged later,
        while stopped.
      </p>
    </div>
  );
}

/**
 * The standing warning on a privileged container's page, with the conversion: its files move
 * to ids of its own (a task), which needs the container stopped and instance.privileged.
 */
export function PrivilegedPanel({ instance }: { instance: Instance }) {
  const me = useMe().data;
  const busy = busyReason(useActiveTaskByInstance().get(instance.id));
  const [confirming, setConfirming] = useState(false);
  const convert = useUnprivilegeInstance({
    onFailure: (t) =>
      toast({
        tone: 'error',
        title: `${instance.name} stays privileged`,
        body: t.error?.message ?? 'the conversion failed',
      }),
    onSuccess: () => toast({ tone: 'success', title: `${instance.name} is unprivileged now` }),
  });
  if (instance.kind !== 'ct' || !instance.privileged) return null;
  const reason =
    busy ??
    needs(me, 'instance.privileged') ??
    whyNot(instance.kind, 'unprivilege', instance.state);
  return (
    <section
      aria-label="Privileged container"
      className={`${warningBox} flex flex-wrap items-center gap-3`}
    >
      <div className="min-w-0 flex-1">
        <p className="font-semibold">This container is privileged.</p>
        <p className="mt-1">{PRIVILEGED_MEANS}</p>
      </div>
      <Button
        size="sm"
        variant="secondary"
        busy={convert.isPending}
        disabledReason={reason}
        onClick={() => setConfirming(true)}
      >
        Make unprivileged
      </Button>
      {confirming && (
        <ConfirmDialog
          title={`Make ${instance.name} unprivileged?`}
          confirmLabel="Make unprivileged"
          busy={convert.isPending}
          onCancel={() => setConfirming(false)}
          onConfirm={() =>
            convert.mutate(instance.id, {
              onSettled: () => setConfirming(false),
              onError: (e) =>
                toast({
                  tone: 'error',
                  title: `Cannot convert ${instance.name}`,
                  body: errorText(e),
                }),
            })
          }
        >
          <p>
            Its files are given to a range of host ids of its own (from 100000 up), and it starts
            from then on with a user namespace, LXC&apos;s seccomp policy and dropped capabilities,
            as new containers do. Root inside stays root for the container, not for the host.
          </p>
          <p className="mt-2">
            Software that needs real host privileges (loading kernel modules, raw devices) stops
            working in it.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
