import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { adapterTraffic, blkioTotals, ioStatTotals } from './counters.js';

test('v1 blkio files sum Read and Write over devices, skipping the Total line', () => {
  const text = [
    '7:3 Read 4096',
    '7:3 Write 8192',
    '7:3 Sync 1',
    '8:0 Read 100',
    'Total 12389',
  ].join('\n');
  assert.deepEqual(blkioTotals(text), { read: 4196, write: 8192 });
  assert.deepEqual(blkioTotals(null), { read: 0, write: 0 });
});

test('v2 io.stat sums bytes and operations over devices', () => {
  const text = [
    '8:0 rbytes=100 wbytes=200 rios=1 wios=2 dbytes=0 dios=0',
    '7:3 rbytes=5 wbytes=7 rios=3 wios=4',
  ].join('\n');
  assert.deepEqual(ioStatTotals(text), { rbytes: 105, wbytes: 207, rios: 4, wios: 6 });
});

test('adapter traffic is per adapter, from the instance side, summed; a missing device counts nothing', () => {
  const lo = (f: string) => Number(readFileSync(`/sys/class/net/lo/statistics/${f}`, 'utf8'));
  const before = lo('tx_bytes');
  const got = adapterTraffic([
    { adapter: 'eth0', device: 'lo' },
    { adapter: 'eth1', device: 'berth-no-such-device' },
  ]);
  assert.deepEqual(
    got.adapters.map((a) => a.adapter),
    ['eth0'],
  );
  const [one] = got.adapters;
  // The host end's tx is what the instance received.
  assert.ok(one!.rxBytes >= before && one!.rxBytes <= lo('tx_bytes'));
  assert.equal(got.rxBytes, one!.rxBytes);
  assert.equal(got.txPackets, one!.txPackets);
});
