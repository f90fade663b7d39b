import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AdapterMetricsQuery, AgentSample } from './metrics.js';

const base = {
  subject: 'host',
  kind: 'host',
  name: 'h',
  t: 1,
  cpuPct: 0,
  cpuCapPct: null,
  memBytes: 0,
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
  processes: null,
};
const eth0 = { adapter: 'eth0', rxBps: 1, txBps: 2, rxPps: 3, txPps: 4 };

test("a sample's adapters are optional (an older agent sends none) and strict", () => {
  assert.ok(AgentSample.safeParse(base).success);
  assert.ok(AgentSample.safeParse({ ...base, adapters: [eth0] }).success);
  const extra = AgentSample.safeParse({ ...base, adapters: [{ ...eth0, bogus: 1 }] });
  assert.ok(!extra.success);
  assert.match(extra.error.message, /bogus/);
  assert.ok(!AgentSample.safeParse({ ...base, adapters: [{ ...eth0, adapter: '' }] }).success);
});

test('the adapter series query takes a range and nothing else', () => {
  assert.deepEqual(AdapterMetricsQuery.parse({}), { range: '1h' });
  assert.ok(!AdapterMetricsQuery.safeParse({ range: '2h' }).success);
  assert.ok(!AdapterMetricsQuery.safeParse({ fields: 'rxBps' }).success);
});
