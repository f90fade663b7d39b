import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseLxcInfo, parseLxcLs, parseMonitorLine, uptimeFromProc, whyNot } from './state.js';

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

test('uptime from /proc survives a command name with spaces and parentheses', () => {
  // After the command name: state (field 3), then fields 4 onwards; starttime is field 22.
  const after = Array.from({ length: 40 }, (_, i) => String(i + 3));
  after[19] = '1000';
  const stat = `77 (my (weird) init) ${after.join(' ')}`;
  assert.equal(uptimeFromProc(stat, '25.50 40.00'), 15);
});

test('says why an action cannot run', () => {
  assert.equal(whyNot('start', 'stopped'), null);
  assert.match(whyNot('start', 'running')!, /already running/);
  assert.match(whyNot('start', 'frozen')!, /resume/);
  assert.equal(whyNot('stop', 'frozen'), null);
  assert.match(whyNot('exec', 'frozen')!, /suspended/);
  assert.match(whyNot('delete', 'running')!, /force/);
  assert.equal(whyNot('resume', 'frozen'), null);
  assert.match(whyNot('suspend', 'stopped')!, /only a running/);
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
