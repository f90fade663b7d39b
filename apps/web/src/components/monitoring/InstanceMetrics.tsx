'use client';
import type { Instance } from '@berth/contracts';
import { FiringBanner } from '@/components/alerts/InstanceAlerts';
import { useAdapterMetrics, useInstanceMetrics } from '@/queries/useMetrics';
import { MetricsPanel, useRange } from './MetricsPanel';

/** The instance Summary's usage graphs, under whatever alert is firing on it. */
export function InstanceMetrics({ instance }: { instance: Instance }) {
  const [range, setRange] = useRange();
  const query = useInstanceMetrics(instance.id, range);
  const adapters = useAdapterMetrics('instance', instance.id, range);
  return (
    <div className="space-y-3">
      <FiringBanner id={instance.id} />
      <MetricsPanel
        title="Usage"
        query={query}
        adapters={adapters}
        range={range}
        onRange={setRange}
      />
    </div>
  );
}
