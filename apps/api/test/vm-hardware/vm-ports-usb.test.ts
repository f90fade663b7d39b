import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Instance, Task, VmDeviceChange, VmDevices } from '@berth/contracts';
import { startStack, waitTask, type Stack } from '../harness.js';
import { replayedAfterKill, untilFailpoint } from '../failpoint.js';
import { act, buildTinyTemplate, createTinyVm, guest, waitForGuest } from '../vm-guest.js';
import { until } from '../wait.js';

type TaskReply = { task: Task };
type ErrorReply = { error: { code: string; message: string } };

/**
 * Serial and parallel ports and USB devices on real QEMU, with one boot: ports wait for the next
 * start (a fifth serial port is a 409); the guest's writes to ttyS1 land in the port's file and
 * download through the API; a keyboard and a stick from a raw image are hot-plugged onto QEMU's
 * USB bus, survive a suspend and resume, and are pulled out again; the agent killed in the middle of an add leaves the old record
 * or the new one.
 */
describe('VM ports and USB devices on real QEMU', () => {
  let stack: Stack;
  let vm: Instance;
  let work: string;
  const dir = () => path.join(stack.agent.dataDir, 'vms', vm.id);
  const url = (rest: string) => `/api/v1/instances/${vm.id}${rest}`;
  const devices = async () => (await stack.call<VmDevices>('GET', url('/devices'))).body;
  const usbFiles = () =>
    readdirSync(dir())
      .filter((f) => /^usb|^\.import-/.test(f))
      .sort();

  before(async () => {
    stack = await startStack('vports');
    work = mkdtempSync(path.join(tmpdir(), 'berth-ports-'));
    await buildTinyTemplate(stack);
    vm = await createTinyVm(stack, 'ports');
  });
  after(async () => {
    if (vm) await stack?.call('DELETE', `/api/v1/instances/${vm.id}?force=true&sync=true`);
    await stack?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test('ports are saved for the next start: four serial ports at most, one parallel, serial0 stays', async () => {
    const add = (body: object) =>
      stack.call<VmDeviceChange & ErrorReply>('POST', url('/ports'), body);
    const names: string[] = [];
    for (const body of [
      { kind: 'serial', target: 'file' },
      { kind: 'serial', target: 'socket' },
      { kind: 'serial', target: 'socket' },
      { kind: 'parallel', target: 'file' },
    ]) {
      const res = await add(body);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.applies, 'next-start');
      names.push(res.body.device);
    }
    assert.deepEqual(names, ['serial1', 'serial2', 'serial3', 'parallel0']);
    for (const body of [
      { kind: 'serial', target: 'file' },
      { kind: 'parallel', target: 'file' },
    ]) {
      const res = await add(body);
      assert.equal(res.status, 409, JSON.stringify(res.body));
    }
    const console = await stack.call<ErrorReply>('DELETE', url('/ports/serial0'));
    assert.equal(console.status, 409, JSON.stringify(console.body));
    const bad = await add({ kind: 'serial', target: 'file', path: '/etc/passwd' });
    assert.equal(bad.status, 400, JSON.stringify(bad.body));
    const removed = await stack.call('DELETE', url('/ports/serial3'));
    assert.equal(removed.status, 200, JSON.stringify(removed.body));
    const { ports } = await devices();
    assert.deepEqual(
      ports.map((p) => [p.name, p.target, p.pending]),
      [
        ['parallel0', 'file', null],
        ['serial0', 'console', null],
        ['serial1', 'file', null],
        ['serial2', 'socket', null],
      ],
    );
  });

  test('what the guest writes to ttyS1 is in the port’s file and downloads through the API', async () => {
    await act(stack, vm.id, 'start');
    await waitForGuest(stack, vm.id);
    assert.ok(lstatSync(path.join(dir(), 'serial2')).isSocket(), 'serial2 is a socket');
    await guest(stack, vm.id, ['sh', '-c', 'echo hello-from-ttyS1 > /dev/ttyS1']);
    const log = path.join(dir(), 'serial1.log');
    await until(
      'the text in serial1.log',
      async () => existsSync(log) && readFileSync(log, 'utf8').includes('hello-from-ttyS1'),
      20_000,
      250,
    );
    const res = await fetch(`${stack.baseUrl}${url('/ports/serial1/log')}`, {
      headers: { authorization: `Bearer ${stack.token}` },
    });
    assert.equal(res.status, 200);
    assert.match(await res.text(), /hello-from-ttyS1/);
    assert.match(res.headers.get('content-disposition') ?? '', /ports-serial1\.log/);
    const consoleLog = await fetch(`${stack.baseUrl}${url('/ports/serial0/log')}`, {
      headers: { authorization: `Bearer ${stack.token}` },
    });
    assert.equal(consoleLog.status, 200);
    assert.match(await consoleLog.text(), /Linux/, 'the console log holds the boot');

    // Added while it runs: listed as waiting for the next start until it is removed again.
    const added = await stack.call<VmDeviceChange>('POST', url('/ports'), {
      kind: 'serial',
      target: 'socket',
    });
    assert.equal(added.body.device, 'serial3');
    const pending = (await devices()).ports.find((p) => p.name === 'serial3');
    assert.equal(pending?.pending, 'add');
    const shown = (await stack.call<Instance>('GET', url(''))).body;
    assert.ok(shown.vm?.pendingChanges?.some((c) => c.field === 'ports'));
    await stack.call('DELETE', url('/ports/serial3'));
    assert.ok(!(await devices()).ports.some((p) => p.pending));
  });

  test('a USB keyboard and a stick from a raw image are hot-plugged onto QEMU’s bus and pulled out', async () => {
    const keyboard = await stack.call<TaskReply>('POST', url('/usb?sync=true'), {
      kind: 'keyboard',
    });
    assert.equal(keyboard.status, 200, JSON.stringify(keyboard.body));
    assert.deepEqual(keyboard.body.task.result, { device: 'usb2', applies: 'live', note: null });

    const raw = path.join(work, 'stick.raw');
    writeFileSync(raw, Buffer.alloc(8 * 1024 * 1024, 7));
    const upload = (file: string, query: string) =>
      fetch(`${stack.baseUrl}${url(`/usb/storage?sync=true${query}`)}`, {
        method: 'PUT',
        headers: {
          authorization: `Bearer ${stack.token}`,
          'content-type': 'application/octet-stream',
        },
        body: readFileSync(file),
      });
    const stick = await upload(raw, '&format=raw');
    const stickBody = (await stick.json()) as TaskReply;
    assert.equal(stick.status, 200, JSON.stringify(stickBody));
    assert.deepEqual(stickBody.task.result, { device: 'usb3', applies: 'live', note: null });

    // The check disk imports make: an image that would open another file is refused.
    const evil = path.join(work, 'evil.qcow2');
    execFileSync('qemu-img', [
      'create',
      '-q',
      '-f',
      'qcow2',
      '-u',
      '-b',
      '/etc/shadow',
      '-F',
      'raw',
      evil,
      '8M',
    ]);
    const refused = await upload(evil, '');
    assert.equal(refused.status, 400, await refused.text());
    assert.deepEqual(usbFiles(), ['usb3.qcow2']);

    const { usb } = await devices();
    assert.deepEqual(
      usb.map((d) => [d.name, d.kind, d.pending, d.attached]),
      [
        ['tablet', 'tablet', null, true],
        ['usb2', 'keyboard', null, true],
        ['usb3', 'storage', null, true],
      ],
    );
    assert.equal(usb[2]?.sizeBytes, 8 * 1024 * 1024);

    // Hot-plugged devices sit where a cold start puts them: the saved machine state loads.
    await act(stack, vm.id, 'suspend');
    const refusedWhileSuspended = await stack.call<ErrorReply>('POST', url('/usb'), {
      kind: 'keyboard',
    });
    assert.equal(refusedWhileSuspended.status, 409, JSON.stringify(refusedWhileSuspended.body));
    await act(stack, vm.id, 'resume');
    await waitForGuest(stack, vm.id);
    assert.deepEqual(
      (await devices()).usb.map((d) => [d.name, d.pending, d.attached]),
      [
        ['tablet', null, true],
        ['usb2', null, true],
        ['usb3', null, true],
      ],
    );

    const pulled = await stack.call<TaskReply>('DELETE', url('/usb/usb2?sync=true'));
    assert.equal((pulled.body.task.result as VmDeviceChange).applies, 'live');
    const tablet = await stack.call<TaskReply>('DELETE', url('/usb/tablet?sync=true'));
    assert.equal((tablet.body.task.result as VmDeviceChange).applies, 'next-start');
    assert.deepEqual(
      (await devices()).usb.map((d) => [d.name, d.pending, d.attached]),
      [
        ['usb3', null, true],
        ['tablet', 'remove', true],
      ],
    );
    const back = await stack.call<TaskReply>('POST', url('/usb?sync=true'), { kind: 'tablet' });
    assert.equal(back.body.task.status, 'succeeded', JSON.stringify(back.body.task.error));
    const unplugged = await stack.call<TaskReply>('DELETE', url('/usb/usb3?sync=true'));
    assert.equal((unplugged.body.task.result as VmDeviceChange).applies, 'live');
    assert.deepEqual(usbFiles(), []);
    assert.deepEqual(
      (await devices()).usb.map((d) => [d.name, d.pending, d.attached]),
      [['tablet', null, true]],
    );
  });

  test('the agent killed before the record rolls an add back; killed after it, the VM has it next start', async () => {
    await stack.restartAgent({ env: { BERTH_AGENT_FAILPOINT: 'vm.usb.record' } });
    const first = await stack.call<TaskReply>('POST', url('/usb'), { kind: 'keyboard' });
    assert.equal(first.status, 202, JSON.stringify(first.body));
    await untilFailpoint(stack, first.body.task.id);
    await stack.restartAgent({ env: { BERTH_AGENT_FAILPOINT: 'vm.usb.attach' } });
    const rolled = await waitTask(stack, first.body.task.id);
    assert.match(rolled.error?.message ?? '', /rolled back: USB device usb2 was not added/);
    assert.deepEqual(
      (await devices()).usb.map((d) => d.name),
      ['tablet'],
    );

    const second = await stack.call<TaskReply>('POST', url('/usb'), { kind: 'keyboard' });
    assert.equal(second.status, 202, JSON.stringify(second.body));
    const kept = await replayedAfterKill(stack, second.body.task.id);
    assert.match(kept.error?.message ?? '', /usb2 had been added and is kept/);
    const shown = (await stack.call<Instance>('GET', url(''))).body;
    assert.equal(shown.state, 'running');
    assert.deepEqual(
      (await devices()).usb.map((d) => [d.name, d.pending, d.attached]),
      [
        ['tablet', null, true],
        ['usb2', 'add', false],
      ],
    );
  });
});
