import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { MetricValues } from '@berth/contracts';
import type { MetricsPuller } from './puller.js';

type Field = keyof Omit<MetricValues, 'processes'> | 'processes';

/** Gauges per host and per running instance, each with its sample field and help text. */
const GAUGES: Array<[string, Field, string]> = [
  ['cpu_percent', 'cpuPct', 'CPU use in percent of one CPU'],
  ['memory_bytes', 'memBytes', 'memory in use'],
  ['memory_limit_bytes', 'memLimitBytes', 'memory limit (host: its total)'],
  ['swap_bytes', 'swapBytes', 'swap in use'],
  ['disk_read_bytes_per_second', 'diskReadBps', 'disk reads'],
  ['disk_write_bytes_per_second', 'diskWriteBps', 'disk writes'],
  ['disk_read_ops_per_second', 'diskReadIops', 'disk read operations'],
  ['disk_write_ops_per_second', 'diskWriteIops', 'disk write operations'],
  ['network_receive_bytes_per_second', 'netRxBps', 'network bytes received'],
  ['network_transmit_bytes_per_second', 'netTxBps', 'network bytes sent'],
  ['processes', 'processes', 'processes'],
];

/**
 * A registry of its own per API (tests build several in one process): the process's default
 * metrics plus gauges filled at scrape time from each subject's newest sample, so a stopped
 * instance's series ends with it.
 */
export function metricsRegistry(puller: MetricsPuller): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'berth_api_' });
  for (const [name, field, help] of GAUGES) {
    new Gauge({
      name: `berth_host_${name}`,
      help: `Host ${help}`,
      labelNames: ['host'],
      registers: [registry],
      collect() {
        this.reset();
        for (const l of puller.latest()) {
          const v = l.sample[field];
          if (l.sample.kind === 'host' && typeof v === 'number') this.set({ host: l.hostName }, v);
        }
      },
    });
    new Gauge({
      name: `berth_instance_${name}`,
      help: `Instance ${help}`,
      labelNames: ['instance_id', 'name', 'kind', 'host'],
      registers: [registry],
      collect() {
        this.reset();
        for (const l of puller.latest()) {
          const v = l.sample[field];
          if (l.sample.kind === 'host' || typeof v !== 'number') continue;
          this.set(
            {
              instance_id: l.sample.subject,
              name: l.sample.name,
              kind: l.sample.kind,
              host: l.hostName,
            },
            v,
          );
        }
      },
    });
  }
  return registry;
}
