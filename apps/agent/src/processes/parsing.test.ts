import assert from 'node:assert/strict';
import { test } from 'node:test';
import { containerGroup, ctidOfGroup, placeIn, within } from './cgroup.js';
import { usersOf } from './passwd.js';
import { cpuPercent, parseSample } from './proc-sample.js';
import { insideUid } from './processes.js';
import { parsePs } from './ps-output.js';

test('a v1 host places a process by its pids controller; a v2 host by the unified line', () => {
  const v1 =
    '9:name=systemd:/lxc.payload.101/init.scope\n8:pids:/lxc.payload.101/init.scope\n0::/\n';
  assert.deepEqual(placeIn(v1), {
    mount: '/sys/fs/cgroup/pids',
    path: '/lxc.payload.101/init.scope',
  });
  assert.deepEqual(placeIn('0::/lxc.payload.7/system.slice\n'), {
    mount: '/sys/fs/cgroup',
    path: '/lxc.payload.7/system.slice',
  });
});

test("a container's group is its lxc.payload ancestor, and only its own children are within it", () => {
  assert.equal(containerGroup('/lxc.payload.101/init.scope', 101), '/lxc.payload.101');
  assert.equal(containerGroup('/lxc.payload.101', 101), '/lxc.payload.101');
  assert.equal(ctidOfGroup('/lxc.payload.101/system.slice/ssh.service'), 101);
  assert.equal(ctidOfGroup('/lxc.monitor.101'), null);
  assert.equal(containerGroup('/lxc.payload.101-1/init.scope', 101), '/lxc.payload.101-1');
  assert.equal(containerGroup('/lxc.payload.1011/init.scope', 101), '/lxc.payload.1011/init.scope');
  assert.equal(ctidOfGroup('/lxc.payload.101-2/x'), 101);
  assert.ok(within('/lxc.payload.101/x', '/lxc.payload.101'));
  assert.ok(!within('/lxc.payload.1011', '/lxc.payload.101'));
});

test('a /proc sample reads NSpid, the real uid and VmRSS, whatever the command name holds', () => {
  const after = Array.from({ length: 40 }, (_, i) => String(i + 3));
  after[0] = 'S';
  after[1] = '1';
  after[11] = '30';
  after[12] = '12';
  after[19] = '5000';
  const stat = `4242 (sl (eep)) ${after.join(' ')}`;
  const status =
    'Name:\tsleep\nUid:\t100000\t100000\t100000\t100000\nVmRSS:\t    1024 kB\nNSpid:\t4242\t57\n';
  const s = parseSample(4242, stat, status, 'sleep\u0000300\u0000');
  assert.deepEqual(
    [s.nsPid, s.ppid, s.hostUid, s.state, s.cpuTicks, s.startTicks, s.rssBytes, s.name, s.cmdline],
    [57, 1, 100000, 'S', 42, 5000, 1024 * 1024, 'sl (eep)', 'sleep 300'],
  );
});

test('CPU % is measured since the last sample, or over the lifetime without one', () => {
  assert.equal(cpuPercent({ cpuTicks: 150, atMs: 2000 }, { cpuTicks: 50, atMs: 1000 }, 0), 100);
  assert.equal(cpuPercent({ cpuTicks: 50, atMs: 2000 }, undefined, 0), 25);
});

test('host uids map back through the id map; ids outside it are the overflow uid', () => {
  const record = { idmap: { hostBase: 100000, count: 65536 } };
  assert.equal(insideUid(100033, record), 33);
  assert.equal(insideUid(0, record), 65534);
  assert.equal(insideUid(1000, {}), 1000);
  assert.equal(
    usersOf('root:x:0:0::/root:/bin/sh\nwww-data:x:33:33::/:/bin/false\n').get(33),
    'www-data',
  );
});

test('ps output is read by its header, procps and busybox alike', () => {
  const procps =
    '  PID  PPID USER     STAT   RSS COMMAND\n    1     0 root     Ss   11000 /sbin/init splash\n';
  assert.deepEqual(parsePs(procps)[0], {
    pid: 1,
    hostPid: null,
    ppid: 0,
    user: 'root',
    uid: null,
    state: 'S',
    cpuPercent: null,
    rssBytes: 11000 * 1024,
    startedAt: null,
    command: '/sbin/init splash',
  });
  const busybox = 'PID   USER     TIME  COMMAND\n  12 root      0:00 sleep 300\n';
  assert.equal(parsePs(busybox)[0]?.command, 'sleep 300');
  assert.equal(
    parsePs('PID PPID USER STAT RSS COMMAND\n 5 1 root S 2m x\n')[0]?.rssBytes,
    2 * 1024 * 1024,
  );
});
