import assert from 'node:assert/strict';
import type { AgentSample } from '@berth/contracts';

/** An agent sample with every field; `over` sets what a test is about. */
export const sample = (over: Partial<AgentSample> = {}): AgentSample => ({
  subject: 'host',
  kind: 'host',
  name: 'h',
  t: Date.now(),
  cpuPct: 10,
  cpuCapPct: null,
  memBytes: 1000,
  memLimitBytes: null,
  swapBytes: 0,
  diskReadBps: 0,
  diskWriteBps: 0,
  diskReadIops: 0,
  diskWriteIops: 0,
  netRxBps: 0,
  netTxBps: 0,
  netRxPps: 0,
  netTxPps: 0,
  processes: 3,
  ...over,
});

/** Prometheus text format → series (name, labels, value); throws on a line it cannot read. */
export function parseProm(text: string) {
  const series: Array<{ name: string; labels: Record<string, string>; value: number }> = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    assert.ok(m, `not a Prometheus sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    const value = Number(m[3]);
    assert.ok(!Number.isNaN(value) || m[3] === 'NaN', line);
    series.push({ name: m[1]!, labels, value });
  }
  return series;
}
