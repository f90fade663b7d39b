'use client';
import Link from 'next/link';
import { useState } from 'react';
import type { ContainerUpdatesStarted, Instance } from '@berth/contracts';
import { needs } from '@/lib/can';
import { useMe } from '@/queries/useAuth';
import { useInstances } from '@/queries/useInstances';
import {
  useApplyContainerUpdates,
  useApplyTaggedContainerUpdates,
  useContainerUpdates,
} from '@/queries/useUpdates';
import { Button } from '@/components/ui/Button';
import { ErrorMessage } from '@/components/ui/ErrorMessage';
import { EmptyState, LoadingState } from '@/components/ui/States';
import { PackageTable } from './PackageTable';
import { TaskFollow } from './TaskFollow';

const PAGE = 20;

/** One running container: its packages when asked for (apt-get update inside is slow). */
function ContainerRow({ instance }: { instance: Instance }) {
  const me = useMe().data;
  const [asked, setAsked] = useState(false);
  const updates = useContainerUpdates(instance.id, asked);
  const apply = useApplyContainerUpdates();
  const [taskId, setTaskId] = useState<string | null>(null);
  const denied = needs(me, 'instance.configure', instance);
  const count = updates.data?.packages.length;
  return (
    <li className="space-y-2 border-t border-line py-2 first:border-t-0">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <span className="flex items-baseline gap-2">
          <Link href={`/instances/view/?id=${instance.id}`} className="link font-medium">
            {instance.name}
          </Link>
          <span className="text-sm text-muted">
            CT {instance.ctid} · {instance.template}
            {count !== undefined && ` · ${count} upgradable`}
          </span>
        </span>
        <span className="flex gap-2">
          <Button
            size="sm"
            busy={updates.isFetching}
            disabledReason={denied}
            onClick={() => (asked ? void updates.refetch() : setAsked(true))}
          >
            Check packages
          </Button>
          <Button
            size="sm"
            variant="primary"
            busy={apply.isPending}
            disabledReason={denied ?? (count === 0 ? 'nothing to upgrade' : null)}
            onClick={() =>
              apply.mutate({ id: instance.id }, { onSuccess: (task) => setTaskId(task.id) })
            }
          >
            Update
          </Button>
        </span>
      </div>
      {updates.isError && <ErrorMessage error={updates.error} />}
      {apply.isError && <ErrorMessage error={apply.error} />}
      {updates.data && updates.data.packages.length > 0 && (
        <PackageTable
          packages={updates.data.packages}
          caption={`Upgradable packages in ${instance.name}`}
        />
      )}
      {taskId && <TaskFollow taskId={taskId} label={`Package update of ${instance.name}`} />}
    </li>
  );
}

/** Update every running container with a tag, one task each. */
function ByTag() {
  const apply = useApplyTaggedContainerUpdates();
  const [tag, setTag] = useState('');
  const [started, setStarted] = useState<ContainerUpdatesStarted | null>(null);
  return (
    <form
      className="space-y-2"
      onSubmit={(e) => {
        e.preventDefault();
        apply.mutate(tag.trim(), { onSuccess: setStarted });
      }}
    >
      <label className="flex flex-wrap items-center gap-2 text-sm">
        Update every running container tagged
        <input
          className="input w-40"
          value={tag}
          onChange={(e) => setTag(e.target.value)}
          placeholder="web"
          aria-label="Tag"
        />
        <Button
          size="sm"
          type="submit"
          busy={apply.isPending}
          disabledReason={tag.trim() ? null : 'name a tag'}
        >
          Update all
        </Button>
      </label>
      {apply.isError && <ErrorMessage error={apply.error} />}
      {started && (
        <ul className="text-sm">
          {started.tasks.map((t) => (
            <li key={t.id}>
              <Link href={`/tasks/view/?id=${t.id}`} className="link">
                Task for {t.instanceId}
              </Link>
            </li>
          ))}
          {started.skipped.map((s) => (
            <li key={s.instanceId} className="text-muted">
              {s.name}: {s.reason}
            </li>
          ))}
          {started.tasks.length + started.skipped.length === 0 && (
            <li className="text-muted">No container has that tag.</li>
          )}
        </ul>
      )}
    </form>
  );
}

/** Running containers, whose packages apt inside can list and upgrade. */
export function ContainerUpdatesSection() {
  const instances = useInstances();
  const [shown, setShown] = useState(PAGE);
  const running = (instances.data ?? []).filter((i) => i.kind === 'ct' && i.state === 'running');
  return (
    <section aria-label="Packages inside containers" className="card space-y-3 p-4">
      <h2 className="font-semibold">Packages inside containers</h2>
      <p className="text-sm text-muted">
        Debian containers: apt inside lists what is upgradable (it runs apt-get update there) and
        upgrades it as a task with apt&apos;s log. Only running containers can be checked.
      </p>
      <ByTag />
      {instances.isPending ? (
        <LoadingState label="Loading containers…" />
      ) : running.length === 0 ? (
        <EmptyState title="No running containers" />
      ) : (
        <>
          <ul>
            {running.slice(0, shown).map((i) => (
              <ContainerRow key={i.id} instance={i} />
            ))}
          </ul>
          {running.length > shown && (
            <Button size="sm" onClick={() => setShown((n) => n + PAGE)}>
              Show {Math.min(PAGE, running.length - shown)} more
            </Button>
          )}
        </>
      )}
    </section>
  );
}
