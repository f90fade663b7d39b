'use client';
import type { Instance } from '@berth/contracts';
import { useInstanceMetrics } from '@/queries/useMetrics';
import { MetricsPanel, useRange } from './MetricsPanel';

/** The instance Summary's usage graphs. */
export function InstanceMetrics({ instance }: { instance: Instance }) {
  const [range, setRange] = useRange();
  const query = useInstanceMetrics(instance.id, range);
  return <MetricsPanel title="Usage" query={query} range={range} onRange={setRange} />;
}
