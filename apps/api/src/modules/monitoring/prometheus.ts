import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { AdapterField, InstanceClassCounters, MetricValues } from '@berth/contracts';
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

/** Gauges per adapter, beside the totals above (which stay their sum). */
const ADAPTER_GAUGES: Array<[string, AdapterField, string]> = [
  ['network_receive_bytes_per_second', 'rxBps', 'network bytes received'],
  ['network_transmit_bytes_per_second', 'txBps', 'network bytes sent'],
  ['network_receive_packets_per_second', 'rxPps', 'network packets received'],
  ['network_transmit_packets_per_second', 'txPps', 'network packets sent'],
];

/**
 * A registry of its own per API (tests build several in one process): the process's default
 * metrics plus gauges filled at scrape time from each subject's newest sample, so a stopped
 * instance's series ends with it.
 */
export function metricsRegistry(
  puller: MetricsPuller,
  classCounters?: () => Promise<InstanceClassCounters[]>,
): Registry {
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
  for (const [name, field, help] of ADAPTER_GAUGES) {
    new Gauge({
      name: `berth_host_adapter_${name}`,
      help: `Host ${help} per physical adapter`,
      labelNames: ['host', 'adapter'],
      registers: [registry],
      collect() {
        this.reset();
        for (const l of puller.latest()) {
          if (l.sample.kind !== 'host') continue;
          for (const a of l.sample.adapters ?? [])
            this.set({ host: l.hostName, adapter: a.adapter }, a[field]);
        }
      },
    });
    new Gauge({
      name: `berth_instance_adapter_${name}`,
      help: `Instance ${help} per adapter (eth0; a VM's net0, net1… by NIC index)`,
      labelNames: ['instance_id', 'name', 'kind', 'host', 'adapter'],
      registers: [registry],
      collect() {
        this.reset();
        for (const l of puller.latest()) {
          if (l.sample.kind === 'host') continue;
          for (const a of l.sample.adapters ?? []) {
            this.set(
              {
                instance_id: l.sample.subject,
                name: l.sample.name,
                kind: l.sample.kind,
                host: l.hostName,
                adapter: a.adapter,
              },
              a[field],
            );
          }
        }
      },
    });
  }
  if (classCounters) {
    new Counter({
      name: 'berth_instance_class_bytes_total',
      help: 'Instance IP bytes per network class and direction (out: sent, in: received) since its firewall table was made',
      labelNames: ['instance_id', 'name', 'class', 'direction'],
      registers: [registry],
      async collect() {
        this.reset();
        const names = new Map(puller.latest().map((l) => [l.sample.subject, l.sample.name]));
        for (const i of await classCounters()) {
          const name = names.get(i.instanceId) ?? '';
          for (const c of i.classes) {
            const of = { instance_id: i.instanceId, name, class: c.class };
            this.inc({ ...of, direction: 'in' }, c.inBytes);
            this.inc({ ...of, direction: 'out' }, c.outBytes);
          }
        }
      },
    });
  }
  return registry;
}
