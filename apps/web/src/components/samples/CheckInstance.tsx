'use client';
import { useState } from 'react';
import { LoadingState, ErrorState } from '@/components/ui/States';
import { useLimitProblems } from '@/queries/useSamples';
import { InstancePicker } from './InstancePicker';
import { ProblemList } from './ProblemList';

/** "Validate": an instance's limits against its host and themselves. */
export function CheckInstance() {
  const [instanceId, setInstanceId] = useState('');
  const problems = useLimitProblems(instanceId || null);
  return (
    <section className="card mt-6 grid gap-3 p-4" aria-labelledby="check-title">
      <div>
        <h2 id="check-title" className="text-base font-semibold">
          Check an instance
        </h2>
        <p className="text-sm text-muted">
          Swap without a memory limit, a cap above CPUs × 100, CPUs the host does not have, more
          memory than the host: each problem with its fix.
        </p>
      </div>
      <div className="max-w-md">
        <InstancePicker value={instanceId} onChange={setInstanceId} />
      </div>
      {instanceId && problems.isPending && <LoadingState label="Checking…" />}
      {problems.isError && (
        <ErrorState error={problems.error} onRetry={() => void problems.refetch()} />
      )}
      {problems.data &&
        (problems.data.problems.length === 0 ? (
          <p className="text-sm" role="status">
            No problems: its limits hold together on its host.
          </p>
        ) : (
          <ProblemList problems={problems.data.problems} title="Its limits" />
        ))}
    </section>
  );
}
