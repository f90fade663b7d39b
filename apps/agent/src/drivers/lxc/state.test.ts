import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseLxcInfo, parseLxcLs, parseMonitorLine } from './state.js';

test('parses lxc-info output', () => {
  const info = parseLxcInfo(
    'Name:           101\nState:          RUNNING\nPID:            4242\nIP:             10.210.0.10\n',
  );
  assert.deepEqual(info, { state: 'running', pid: 4242, ips: ['10.210.0.10'] });
  assert.deepEqual(parseLxcInfo('State:          STOPPED\n'), {
    state: 'stopped',
    pid: null,
    ips: [],
  });
  assert.equal(parseLxcInfo('State:          FROZEN\n').state, 'frozen');
});

test('parses lxc-monitor lines', () => {
  assert.deepEqual(parseMonitorLine("'101' changed state to [STOPPED]"), {
    name: '101',
    state: 'stopped',
  });
  assert.equal(parseMonitorLine('noise'), null);
});

test('parses lxc-ls fancy output for every container at once', () => {
  const all = parseLxcLs(
    'NAME STATE   PID  IPV4 \n101  RUNNING 4242 10.210.0.10, 10.210.0.11 \n102  STOPPED -    -    \n',
  );
  assert.deepEqual(all.get('101'), {
    state: 'running',
    pid: 4242,
    ips: ['10.210.0.10', '10.210.0.11'],
  });
  assert.deepEqual(all.get('102'), { state: 'stopped', pid: null, ips: [] });
  assert.equal(all.size, 2);
});
