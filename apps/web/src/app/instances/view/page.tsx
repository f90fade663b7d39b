'use client';
import Link from 'next/link';
import { useRouter, useSearchParams } from 'next/navigation';
import { Suspense, useId, type KeyboardEvent } from 'react';
import { isApiError } from '@/api/http';
import { useInstance } from '@/queries/useInstances';
import { useTasks } from '@/queries/useTasks';
import { InstanceConsole } from '@/components/instances/InstanceConsole';
import { InstanceSummary } from '@/components/instances/InstanceSummary';
import { LimitsSection } from '@/components/instances/LimitsSection';
import { InstanceHeader } from '@/components/instances/InstanceHeader';
import { PrivilegedPanel } from '@/components/instances/Privileged';
import { InstanceAlerts } from '@/components/alerts/InstanceAlerts';
import { FirewallTab } from '@/components/instances/FirewallTab';
import { NetworkTab } from '@/components/instances/NetworkTab';
import { ProcessesTab } from '@/components/instances/ProcessesTab';
import { ServicesTab } from '@/components/instances/ServicesTab';
import { SnapshotsTab } from '@/components/snapshots/SnapshotsTab';
import { HardwareTab } from '@/components/vm-disks/HardwareTab';
import { TaskList } from '@/components/tasks/TaskList';
import { QueryView } from '@/components/ui/DataTable';
import { ErrorState, LoadingState } from '@/components/ui/States';

const TABS = [
  ['summary', 'Summary'],
  ['console', 'Console'],
  ['limits', 'Limits'],
  ['tasks', 'Tasks'],
  ['processes', 'Processes'],
  ['services', 'Services'],
  ['snapshots', 'Snapshots'],
  ['hardware', 'Hardware'],
  ['network', 'Network'],
  ['firewall', 'Firewall'],
  ['alerts', 'Alerts'],
] as const;
type Tab = (typeof TABS)[number][0];

function InstanceTasks({ id }: { id: string }) {
  const tasks = useTasks({ instanceId: id, limit: 50 });
  return (
    <QueryView query={tasks} loadingLabel="Loading tasks…" empty="No tasks for this instance yet">
      {(rows) => <TaskList tasks={rows} label="Tasks of this instance" showInstance={false} />}
    </QueryView>
  );
}

function InstanceView() {
  const params = useSearchParams();
  const router = useRouter();
  const id = params.get('id');
  const tab: Tab = TABS.find(([t]) => t === params.get('tab'))?.[0] ?? 'summary';
  const q = useInstance(id);
  const base = useId();

  const go = (t: Tab) =>
    router.replace(`/instances/view/?id=${id}${t === 'summary' ? '' : `&tab=${t}`}`, {
      scroll: false,
    });
  const onKey = (e: KeyboardEvent) => {
    const at = TABS.findIndex(([t]) => t === tab);
    const next = e.key === 'ArrowRight' ? at + 1 : e.key === 'ArrowLeft' ? at - 1 : null;
    if (next === null) return;
    const t = TABS[(next + TABS.length) % TABS.length]![0];
    go(t);
    document.getElementById(`${base}-tab-${t}`)?.focus();
  };

  if (!id) return <ErrorState title="No instance chosen" error="Open an instance from the list." />;
  if (q.isPending) return <LoadingState label="Loading the instance…" />;
  if (q.isError && !q.data) {
    const gone = isApiError(q.error) && q.error.status === 404;
    return (
      <div className="space-y-3">
        <ErrorState
          title={
            gone ? 'This instance does not exist (any more)' : 'The instance could not be loaded'
          }
          error={q.error}
          onRetry={gone ? undefined : () => void q.refetch()}
        />
        <Link href="/instances/" className="link text-sm">
          Back to instances
        </Link>
      </div>
    );
  }
  const i = q.data;
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm text-muted">
        <Link href="/instances/" className="hover:underline">
          Instances
        </Link>{' '}
        / {i.name}
      </nav>
      <InstanceHeader instance={i} />
      {i.privileged && (
        <div className="mb-5">
          <PrivilegedPanel instance={i} />
        </div>
      )}

      <div
        role="tablist"
        aria-label="Instance sections"
        className="mb-4 flex gap-1 overflow-x-auto overflow-y-hidden border-b border-line"
        onKeyDown={onKey}
      >
        {TABS.map(([t, label]) => (
          <button
            key={t}
            id={`${base}-tab-${t}`}
            role="tab"
            type="button"
            aria-selected={tab === t}
            aria-controls={`${base}-panel`}
            tabIndex={tab === t ? 0 : -1}
            onClick={() => go(t)}
            className={`-mb-px shrink-0 border-b-2 px-3 py-2 text-sm font-medium whitespace-nowrap ${
              tab === t ? 'border-sky-600 text-fg' : 'border-transparent text-muted hover:text-fg'
            }`}
          >
            {label}
          </button>
        ))}
      </div>
      <div id={`${base}-panel`} role="tabpanel" aria-labelledby={`${base}-tab-${tab}`}>
        {tab === 'summary' && <InstanceSummary instance={i} />}
        {tab === 'console' && <InstanceConsole instance={i} />}
        {tab === 'limits' && <LimitsSection instance={i} />}
        {tab === 'tasks' && <InstanceTasks id={i.id} />}
        {tab === 'processes' && <ProcessesTab instance={i} />}
        {tab === 'services' && <ServicesTab instance={i} />}
        {tab === 'hardware' && <HardwareTab instance={i} />}
        {tab === 'network' && <NetworkTab instance={i} />}
        {tab === 'firewall' && <FirewallTab instance={i} />}
        {tab === 'alerts' && <InstanceAlerts id={i.id} />}
        {tab === 'snapshots' && <SnapshotsTab instance={i} openTake={params.get('take') === '1'} />}
      </div>
    </>
  );
}

export default function InstancePage() {
  return (
    <Suspense fallback={<LoadingState />}>
      <InstanceView />
    </Suspense>
  );
}
