'use client';
import { useSearchParams } from 'next/navigation';
import { Suspense, useEffect } from 'react';
import { useInstance } from '@/queries/useInstances';
import { InstanceConsole } from '@/components/instances/InstanceConsole';
import { KindBadge, StateBadge } from '@/components/ui/StateBadge';
import { ErrorState, LoadingState } from '@/components/ui/States';

/** The console alone, in a window of its own (the "Pop out" button opens it). */
function ConsoleWindow() {
  const params = useSearchParams();
  const id = params.get('id');
  const view = params.get('view') === 'serial' ? 'serial' : 'screen';
  const q = useInstance(id);
  const name = q.data?.name;
  useEffect(() => {
    if (name) document.title = `${name}: console · Berth`;
  }, [name]);

  if (!id)
    return <ErrorState title="No instance chosen" error="Open a console from an instance." />;
  if (q.isPending) return <LoadingState label="Loading the instance…" />;
  if (q.isError && !q.data)
    return (
      <ErrorState
        title="The instance could not be loaded"
        error={q.error}
        onRetry={() => void q.refetch()}
      />
    );
  const i = q.data;
  return (
    <div className="flex h-full flex-col gap-2 p-2">
      <div className="flex items-center gap-2">
        <h1 className="font-semibold break-all">{i.name}</h1>
        <KindBadge kind={i.kind} />
        <StateBadge state={i.state} />
      </div>
      <InstanceConsole instance={i} popout view={view} />
    </div>
  );
}

export default function ConsolePage() {
  return (
    <Suspense fallback={<LoadingState />}>
      <ConsoleWindow />
    </Suspense>
  );
}
