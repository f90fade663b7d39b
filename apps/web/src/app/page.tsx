'use client';
import Link from 'next/link';
import { useHosts } from '@/queries/useHosts';
import { useMe } from '@/queries/useAuth';
import { can } from '@/lib/can';
import { useInstances } from '@/queries/useInstances';
import { useRecentTasks } from '@/queries/useTasks';
import { useAlertHistory } from '@/queries/useAlerts';
import { FiringAlerts } from '@/components/alerts/FiringAlerts';
import { HostCard } from '@/components/dashboard/HostCard';
import { StateSummary } from '@/components/dashboard/StateSummary';
import { HostMetrics, TopInstances } from '@/components/monitoring/HostMetrics';
import { InstanceHeatmap } from '@/components/monitoring/InstanceHeatmap';
import { TaskItem } from '@/components/tasks/TaskItem';
import { TaskList } from '@/components/tasks/TaskList';
import { QueryView } from '@/components/ui/DataTable';
import { EmptyState, ErrorState, LoadingState, PageHeader } from '@/components/ui/States';

export default function DashboardPage() {
  const hosts = useHosts();
  // A user whose grants are scoped to a host or tag sees instances, not the hosts themselves.
  const me = useMe().data;
  const seesHosts = can(me, 'host.view');
  const firing = useAlertHistory(
    { limit: 10, offset: 0, state: 'firing' },
    can(me, 'alert.view'),
  ).data;
  const instances = useInstances();
  const tasks = useRecentTasks();
  const names = new Map(instances.data?.map((i) => [i.id, i.name]));
  const failedTasks = tasks.data?.filter((t) => t.status === 'failed').slice(0, 5) ?? [];
  const unknown = instances.data?.filter((i) => i.state === 'unknown') ?? [];
  const offline = hosts.data?.filter((h) => h.status !== 'online') ?? [];
  const withLeftovers = hosts.data?.filter((h) => (h.facts?.leftovers.length ?? 0) > 0) ?? [];
  const problems =
    failedTasks.length +
    unknown.length +
    offline.length +
    withLeftovers.length +
    (firing?.total ?? 0);

  const attention = (
    <section aria-labelledby="problems">
      <h2 id="problems" className="mb-2 text-base font-semibold">
        Needs attention
      </h2>
      {problems === 0 ? (
        <p className="card p-3 text-sm text-muted">Nothing is failing.</p>
      ) : (
        <ul className="card divide-y divide-line">
          {firing && firing.total > 0 && <FiringAlerts page={firing} />}
          {offline.map((h) => (
            <li key={h.id} className="px-3 py-2 text-sm">
              Host <strong>{h.name}</strong> is offline{h.error ? `: ${h.error}` : ''}
            </li>
          ))}
          {withLeftovers.map((h) => (
            <li key={`leftovers-${h.id}`} className="px-3 py-2 text-sm">
              Host <strong>{h.name}</strong> holds {h.facts?.leftovers.length} leftover
              {h.facts?.leftovers.length === 1 ? '' : 's'} of interrupted work (see its card)
            </li>
          ))}
          {unknown.map((i) => (
            <li key={i.id} className="px-3 py-2 text-sm">
              <Link
                prefetch={false}
                className="link font-medium"
                href={`/instances/view/?id=${i.id}`}
              >
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
  );

  return (
    <>
      <PageHeader title="Dashboard" description="Instances, hosts and recent work at a glance." />
      <div className="grid gap-4 lg:grid-cols-3">
        <div className="min-w-0 space-y-4 lg:col-span-2">
          <section aria-labelledby="states">
            <div className="mb-2 flex items-baseline justify-between">
              <h2 id="states" className="text-base font-semibold">
                Instances
              </h2>
              <Link prefetch={false} href="/instances/" className="link-plain text-sm">
                All instances
              </Link>
            </div>
            {instances.isPending ? (
              <LoadingState label="Loading instances…" />
            ) : instances.isError ? (
              <ErrorState error={instances.error} onRetry={() => void instances.refetch()} />
            ) : (
              <StateSummary instances={instances.data} hosts={hosts.data} />
            )}
          </section>
          {attention}
          {seesHosts && (
            <>
              {hosts.data?.map((h) => (
                <HostMetrics key={h.id} host={h} />
              ))}
              <TopInstances />
              <InstanceHeatmap />
            </>
          )}
          <section aria-labelledby="recent">
            <div className="mb-2 flex items-baseline justify-between">
              <h2 id="recent" className="text-base font-semibold">
                Recent tasks
              </h2>
              <Link prefetch={false} href="/tasks/" className="link-plain text-sm">
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
        <section aria-labelledby="hosts" className="min-w-0">
          <h2 id="hosts" className="mb-2 text-base font-semibold">
            Hosts and resource use
          </h2>
          {!seesHosts ? (
            <p className="card p-3 text-sm text-muted">Hosts are shown to those with host.view.</p>
          ) : hosts.isPending ? (
            <LoadingState label="Loading hosts…" />
          ) : hosts.isError ? (
            <ErrorState error={hosts.error} onRetry={() => void hosts.refetch()} />
          ) : hosts.data.length === 0 ? (
            <EmptyState title="No hosts registered" />
          ) : (
            <div className="space-y-4">
              {hosts.data.map((h) => (
                <HostCard key={h.id} host={h} />
              ))}
            </div>
          )}
        </section>
      </div>
    </>
  );
}
