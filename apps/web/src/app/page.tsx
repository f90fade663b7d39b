'use client';
import Link from 'next/link';
import type { Instance, InstanceState } from '@berth/contracts';
import { useHosts } from '@/queries/useHosts';
import { useMe } from '@/queries/useAuth';
import { can } from '@/lib/can';
import { useInstances } from '@/queries/useInstances';
import { useRecentTasks } from '@/queries/useTasks';
import { HostCard } from '@/components/dashboard/HostCard';
import { TaskItem } from '@/components/tasks/TaskItem';
import { TaskList } from '@/components/tasks/TaskList';
import { QueryView } from '@/components/ui/DataTable';
import { INSTANCE_STATES, stateText } from '@/components/ui/StateBadge';
import { EmptyState, ErrorState, LoadingState, PageHeader } from '@/components/ui/States';

function Counts({ items, kind }: { items: Instance[]; kind: 'vm' | 'ct' }) {
  const mine = items.filter((i) => i.kind === kind);
  const by = new Map<InstanceState, number>();
  for (const i of mine) by.set(i.state, (by.get(i.state) ?? 0) + 1);
  const label = kind === 'vm' ? 'Virtual machines' : 'Containers';
  return (
    <section aria-label={label} className="card p-4">
      <h2 className="text-sm font-medium text-muted">{label}</h2>
      <p className="mt-1 text-3xl font-semibold tabular-nums">{mine.length}</p>
      <ul className="mt-2 flex flex-wrap gap-x-4 gap-y-1 text-sm">
        {INSTANCE_STATES.filter((s) => by.get(s)).map((s) => (
          <li key={s}>
            <Link className="link" href={`/instances/?kind=${kind}&state=${s}`}>
              {by.get(s)} {stateText(s)}
            </Link>
          </li>
        ))}
        {mine.length === 0 && <li className="text-muted">none yet</li>}
      </ul>
    </section>
  );
}

export default function DashboardPage() {
  const hosts = useHosts();
  // A user whose grants are scoped to a host or tag sees instances, not the hosts themselves.
  const seesHosts = can(useMe().data, 'host.view');
  const instances = useInstances();
  const tasks = useRecentTasks();
  const names = new Map(instances.data?.map((i) => [i.id, i.name]));
  const failedTasks = tasks.data?.filter((t) => t.status === 'failed').slice(0, 5) ?? [];
  const unknown = instances.data?.filter((i) => i.state === 'unknown') ?? [];
  const offline = hosts.data?.filter((h) => h.status !== 'online') ?? [];
  const withLeftovers = hosts.data?.filter((h) => (h.facts?.leftovers.length ?? 0) > 0) ?? [];
  const problems = failedTasks.length + unknown.length + offline.length + withLeftovers.length;

  return (
    <>
      <PageHeader title="Dashboard" description="Hosts, instances and recent work at a glance." />

      <div className="grid gap-4 sm:grid-cols-2">
        {instances.isPending ? (
          <LoadingState label="Loading instances…" />
        ) : instances.isError ? (
          <ErrorState error={instances.error} onRetry={() => void instances.refetch()} />
        ) : (
          <>
            <Counts items={instances.data} kind="vm" />
            <Counts items={instances.data} kind="ct" />
          </>
        )}
      </div>

      <h2 className="mt-8 mb-3 text-lg font-semibold">Hosts</h2>
      {!seesHosts ? (
        <p className="card p-4 text-sm text-muted">Hosts are shown to those with host.view.</p>
      ) : hosts.isPending ? (
        <LoadingState label="Loading hosts…" />
      ) : hosts.isError ? (
        <ErrorState error={hosts.error} onRetry={() => void hosts.refetch()} />
      ) : hosts.data.length === 0 ? (
        <EmptyState title="No hosts registered" />
      ) : (
        <div className="grid gap-4 lg:grid-cols-2">
          {hosts.data.map((h) => (
            <HostCard key={h.id} host={h} />
          ))}
        </div>
      )}

      <div className="mt-8 grid gap-6 lg:grid-cols-2">
        <section aria-labelledby="problems">
          <h2 id="problems" className="mb-3 text-lg font-semibold">
            Needs attention
          </h2>
          {problems === 0 ? (
            <p className="card p-4 text-sm text-muted">Nothing is failing.</p>
          ) : (
            <ul className="card divide-y divide-line">
              {offline.map((h) => (
                <li key={h.id} className="px-4 py-3 text-sm">
                  Host <strong>{h.name}</strong> is offline{h.error ? `: ${h.error}` : ''}
                </li>
              ))}
              {withLeftovers.map((h) => (
                <li key={`leftovers-${h.id}`} className="px-4 py-3 text-sm">
                  Host <strong>{h.name}</strong> holds {h.facts?.leftovers.length} leftover
                  {h.facts?.leftovers.length === 1 ? '' : 's'} of interrupted work (see its card)
                </li>
              ))}
              {unknown.map((i) => (
                <li key={i.id} className="px-4 py-3 text-sm">
                  <Link className="link font-medium" href={`/instances/view/?id=${i.id}`}>
                    {i.name}
                  </Link>{' '}
                  is in an unknown state
                </li>
              ))}
              {failedTasks.map((t) => (
                <TaskItem
                  key={t.id}
                  task={t}
                  instanceName={t.instanceId ? names.get(t.instanceId) : undefined}
                />
              ))}
            </ul>
          )}
        </section>
        <section aria-labelledby="recent">
          <div className="mb-3 flex items-baseline justify-between">
            <h2 id="recent" className="text-lg font-semibold">
              Recent tasks
            </h2>
            <Link href="/tasks/" className="link-plain text-sm">
              All tasks
            </Link>
          </div>
          <QueryView
            query={tasks}
            select={(all) => all.slice(0, 8)}
            loadingLabel="Loading tasks…"
            empty="No tasks yet"
          >
            {(recent) => <TaskList tasks={recent} names={names} />}
          </QueryView>
        </section>
      </div>
    </>
  );
}
