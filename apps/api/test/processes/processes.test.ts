import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import type {
  ErrorBody,
  Instance,
  PidOwner,
  ProcessInfo,
  ProcessList,
  ServiceInfo,
  ServiceList,
  Task,
} from '@berth/contracts';
import { startStack, type Stack } from '../harness.js';
import { until } from '../wait.js';

const exec = async (stack: Stack, id: string, command: string[]) => {
  const res = await stack.call<{ exitCode: number; stdout: string; stderr: string }>(
    'POST',
    `/api/v1/instances/${id}/exec`,
    { command },
  );
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
};

const alive = async (hostPid: number) => {
  const stat = await readFile(`/proc/${hostPid}/stat`, 'utf8').catch(() => null);
  return stat !== null && !/^\d+ \(.*\) Z /.test(stat);
};

describe('processes and services inside a debian-12 container, on real LXC', () => {
  let stack: Stack;
  let ct: Instance;
  const name = `procs-${process.pid}`;

  before(async () => {
    stack = await startStack('procs');
    const res = await stack.call<{ task: Task }>('POST', '/api/v1/instances?sync=true', {
      template: 'debian-12',
      name,
      rootPassword: 'correct horse battery',
      diskSizeMiB: 600,
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    ct = res.body.task.result as Instance;
    const started = await stack.call<{ task: Task }>(
      'POST',
      `/api/v1/instances/${ct.id}/actions/start?sync=true`,
    );
    assert.equal(started.status, 200, JSON.stringify(started.body));
    ct = (await stack.call<Instance>('GET', `/api/v1/instances/${ct.id}`)).body;
    // systemd inside needs a moment before systemctl answers.
    await until(
      'systemd inside to be up',
      async () =>
        /running|degraded/.test(
          (await exec(stack, ct.id, ['systemctl', 'is-system-running'])).stdout,
        ),
      60_000,
    );
  });
  after(async () => {
    await stack?.close();
  });

  const list = async () => {
    const res = await stack.call<ProcessList>('GET', `/api/v1/instances/${ct.id}/processes`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body;
  };
  const find = (l: ProcessList, command: string) => l.items.find((p) => p.command === command);

  let sleeper: ProcessInfo;

  test('a process started inside is listed with its host pid, its pid inside and its user', async () => {
    await exec(stack, ct.id, ['sh', '-c', 'sleep 300 >/dev/null 2>&1 &']);
    await exec(stack, ct.id, [
      'sh',
      '-c',
      'setpriv --reuid=33 --regid=33 --clear-groups sleep 301 >/dev/null 2>&1 &',
    ]);
    const first = await list();
    assert.equal(first.source, 'cgroup');
    sleeper = find(first, 'sleep 300')!;
    assert.ok(sleeper, JSON.stringify(first.items.map((p) => p.command)));
    assert.ok(sleeper.hostPid);
    assert.equal(
      await readFile(`/proc/${sleeper.hostPid}/cmdline`, 'utf8'),
      'sleep\u0000300\u0000',
    );
    const status = await readFile(`/proc/${sleeper.hostPid}/status`, 'utf8');
    assert.equal(Number(/^NSpid:.*\s(\d+)$/m.exec(status)?.[1]), sleeper.pid);
    assert.notEqual(sleeper.pid, sleeper.hostPid, 'the pid inside is the namespace one');
    assert.equal(sleeper.user, 'root');
    assert.equal(sleeper.uid, 0);
    assert.equal(sleeper.state, 'S');
    assert.ok(sleeper.rssBytes !== null && sleeper.rssBytes > 0);
    assert.ok(Math.abs(Date.parse(sleeper.startedAt!) - Date.now()) < 60_000, sleeper.startedAt!);
    const www = find(first, 'sleep 301');
    assert.equal(www?.user, 'www-data');
    assert.equal(www?.uid, 33);
    const init = first.items.find((p) => p.pid === 1);
    assert.match(init?.command ?? '', /systemd|init/);
    // The second listing measures CPU over the time since the first.
    const second = await list();
    assert.ok(second.intervalMs !== null && second.intervalMs >= 0);
    assert.ok(second.items.every((p) => p.cpuPercent !== null && p.cpuPercent >= 0));
  });

  test('the host-pid lookup names the container, for a process and for a thread-less pid outside 404', async () => {
    const res = await stack.call<PidOwner>(
      'GET',
      `/api/v1/hosts/${ct.hostId}/pids/${sleeper.hostPid}/owner`,
    );
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.instanceId, ct.id);
    assert.equal(res.body.name, name);
    assert.equal(res.body.kind, 'ct');
    assert.equal(res.body.ctid, ct.ctid);
    assert.equal(res.body.pid, sleeper.pid);
    assert.equal(res.body.by, 'cgroup');
    const outside = await stack.call<ErrorBody>(
      'GET',
      `/api/v1/hosts/${ct.hostId}/pids/${process.pid}/owner`,
    );
    assert.equal(outside.status, 404, JSON.stringify(outside.body));
  });

  test('a signal ends the process; a host pid outside the container is refused untouched', async () => {
    const host = spawn('sleep', ['300'], { stdio: 'ignore' });
    try {
      const refused = await stack.call<ErrorBody>(
        'POST',
        `/api/v1/instances/${ct.id}/processes/${host.pid}/signal`,
        { signal: 'KILL' },
      );
      assert.equal(refused.status, 404, JSON.stringify(refused.body));
      assert.ok(await alive(host.pid!), 'the host process outside the container lives on');
    } finally {
      host.kill('SIGKILL');
    }
    const bad = await stack.call<ErrorBody>(
      'POST',
      `/api/v1/instances/${ct.id}/processes/${sleeper.hostPid}/signal`,
      { signal: 'SEGV' },
    );
    assert.equal(bad.status, 400, JSON.stringify(bad.body));
    assert.ok(await alive(sleeper.hostPid!));
    const res = await stack.call(
      'POST',
      `/api/v1/instances/${ct.id}/processes/${sleeper.hostPid}/signal`,
      { signal: 'TERM' },
    );
    assert.equal(res.status, 204, JSON.stringify(res.body));
    await until('the process to end', async () => !(await alive(sleeper.hostPid!)), 5000);
    assert.equal(find(await list(), 'sleep 300'), undefined);
  });

  test('services: systemd units with state and boot setting; stop and start reach systemd inside', async () => {
    const res = await stack.call<ServiceList>('GET', `/api/v1/instances/${ct.id}/services`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.init, 'systemd');
    const journald = res.body.items.find((s) => s.name === 'systemd-journald.service');
    assert.equal(journald?.active, 'active', JSON.stringify(res.body.items));
    // The getty on the container's console runs in every debian-12 container and nothing needs it here.
    const target = res.body.items.find((s) => s.name === 'console-getty.service')!;
    assert.equal(target?.active, 'active', JSON.stringify(res.body.items.map((s) => s.name)));
    const isActive = async () =>
      (await exec(stack, ct.id, ['systemctl', 'is-active', target.name])).stdout.trim();

    const stopped = await stack.call<ServiceInfo>(
      'POST',
      `/api/v1/instances/${ct.id}/services/${target.name}/actions/stop`,
    );
    assert.equal(stopped.status, 200, JSON.stringify(stopped.body));
    assert.equal(stopped.body.active, 'inactive');
    assert.equal(await isActive(), 'inactive');

    const started = await stack.call<ServiceInfo>(
      'POST',
      `/api/v1/instances/${ct.id}/services/${target.name}/actions/start`,
    );
    assert.equal(started.status, 200, JSON.stringify(started.body));
    assert.equal(started.body.active, 'active');
    assert.equal(await isActive(), 'active');

    const audit = await stack.db.auditEvent.findFirst({
      where: { action: 'service.stop' },
      orderBy: { seq: 'desc' },
    });
    assert.deepEqual(JSON.parse(audit?.before ?? '{}').active, 'active');
    assert.deepEqual(JSON.parse(audit?.after ?? '{}').active, 'inactive');
  });

  test('boot setting: disable and enable reach the unit file', async () => {
    const unit = 'systemd-networkd.service';
    const enabled = async () =>
      (await exec(stack, ct.id, ['systemctl', 'is-enabled', unit])).stdout.trim();
    const before = await enabled();
    for (const on of [false, true]) {
      const res = await stack.call<ServiceInfo>(
        'PUT',
        `/api/v1/instances/${ct.id}/services/${unit}/boot`,
        { enabled: on },
      );
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.boot, on ? 'enabled' : 'disabled');
      assert.equal(await enabled(), on ? 'enabled' : 'disabled');
    }
    assert.ok(before);
  });

  test('an unknown unit is a 404; an invalid unit name a 400', async () => {
    const unknown = await stack.call<ErrorBody>(
      'POST',
      `/api/v1/instances/${ct.id}/services/no-such-unit.service/actions/stop`,
    );
    assert.equal(unknown.status, 404, JSON.stringify(unknown.body));
    const invalid = await stack.call<ErrorBody>(
      'POST',
      `/api/v1/instances/${ct.id}/services/${encodeURIComponent('x;reboot')}/actions/stop`,
    );
    assert.equal(invalid.status, 400, JSON.stringify(invalid.body));
  });
});

describe('services through init scripts, in a busybox container (no systemd)', () => {
  let stack: Stack;
  let ct: Instance;
  const script = [
    '#!/bin/sh',
    'case "$1" in',
    '  start) sleep 1000 </dev/null >/dev/null 2>&1 & echo $! > /tmp/demo.pid ;;',
    '  stop) kill "$(cat /tmp/demo.pid)" && rm -f /tmp/demo.pid ;;',
    '  restart) "$0" stop; "$0" start ;;',
    '  status) [ -f /tmp/demo.pid ] && kill -0 "$(cat /tmp/demo.pid)" 2>/dev/null && exit 0; exit 3 ;;',
    'esac',
    '',
  ].join('\n');

  before(async () => {
    stack = await startStack('procsbb');
    const res = await stack.call<{ task: Task }>('POST', '/api/v1/instances?sync=true', {
      template: 'busybox',
      name: `sysv-${process.pid}`,
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    ct = res.body.task.result as Instance;
    const started = await stack.call('POST', `/api/v1/instances/${ct.id}/actions/start?sync=true`);
    assert.equal(started.status, 200, JSON.stringify(started.body));
  });
  after(async () => {
    await stack?.close();
  });

  test('no scripts but rcS: neither systemd nor init scripts', async () => {
    const res = await stack.call<ServiceList>('GET', `/api/v1/instances/${ct.id}/services`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body, { init: 'none', items: [] });
  });

  test('a script in /etc/init.d is listed, started and stopped; boot changes need update-rc.d', async () => {
    const wrote = await stack.call<{ exitCode: number }>(
      'POST',
      `/api/v1/instances/${ct.id}/exec`,
      {
        command: ['sh', '-c', 'cat > /etc/init.d/demo && chmod 755 /etc/init.d/demo'],
        stdin: script,
      },
    );
    assert.equal(wrote.body.exitCode, 0, JSON.stringify(wrote.body));
    const list = await stack.call<ServiceList>('GET', `/api/v1/instances/${ct.id}/services`);
    assert.equal(list.body.init, 'sysv');
    assert.deepEqual(
      list.body.items.map((s) => [s.name, s.active]),
      [['demo.service', 'inactive']],
    );
    const started = await stack.call<ServiceInfo>(
      'POST',
      `/api/v1/instances/${ct.id}/services/demo.service/actions/start`,
    );
    assert.equal(started.status, 200, JSON.stringify(started.body));
    assert.equal(started.body.active, 'active');
    const processes = await stack.call<ProcessList>('GET', `/api/v1/instances/${ct.id}/processes`);
    assert.ok(processes.body.items.some((p) => p.command === 'sleep 1000'));
    const stopped = await stack.call<ServiceInfo>(
      'POST',
      `/api/v1/instances/${ct.id}/services/demo.service/actions/stop`,
    );
    assert.equal(stopped.body.active, 'inactive', JSON.stringify(stopped.body));
    const boot = await stack.call<ErrorBody>(
      'PUT',
      `/api/v1/instances/${ct.id}/services/demo.service/boot`,
      { enabled: true },
    );
    assert.equal(boot.body.error.code, 'unsupported', JSON.stringify(boot.body));
    const missing = await stack.call<ErrorBody>(
      'POST',
      `/api/v1/instances/${ct.id}/services/rcS.service/actions/start`,
    );
    assert.equal(missing.status, 404, JSON.stringify(missing.body));
  });

  test('a stopped container has no processes to list: 409, also after a listing', async () => {
    const url = `/api/v1/instances/${ct.id}/processes`;
    assert.equal((await stack.call('GET', url)).status, 200);
    const stopped = await stack.call('POST', `/api/v1/instances/${ct.id}/actions/stop?sync=true`);
    assert.equal(stopped.status, 200, JSON.stringify(stopped.body));
    const res = await stack.call<ErrorBody>('GET', url);
    assert.equal(res.status, 409, JSON.stringify(res.body));
  });
});
