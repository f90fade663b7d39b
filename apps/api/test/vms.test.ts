import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { inflateSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import type { ConsoleTicket, Instance, Task } from '@berth/contracts';
import { connect, until, type Opened } from './console-client.js';
import { startStack, waitTask, type Stack } from './harness.js';
import { buildTinyTemplate } from './vm-guest.js';

type TaskReply = { task: Task };
type ErrorReply = { error: { code: string; message: string } };
type ExecReply = { exitCode: number; stdout: string; stderr: string };

/** Under TCG a guest takes a while to boot; its agent answering is the sign it is up. */
const GUEST_BOOT_MS = 240_000;

async function act(stack: Stack, id: string, action: string, body?: unknown): Promise<Task> {
  const res = await stack.call<TaskReply>(
    'POST',
    `/api/v1/instances/${id}/actions/${action}?sync=true`,
    body,
  );
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.task.status, 'succeeded', JSON.stringify(res.body.task.error));
  return res.body.task;
}

async function waitForGuest(stack: Stack, id: string): Promise<void> {
  let last = '';
  await until(
    'the guest agent to answer',
    async () => {
      const res = await stack.call<ExecReply & ErrorReply>('POST', `/api/v1/instances/${id}/exec`, {
        command: ['true'],
      });
      last = JSON.stringify(res.body);
      return res.status === 200;
    },
    GUEST_BOOT_MS,
    1000,
  ).catch((err: Error) => {
    throw new Error(`the guest agent never answered: ${last}`, { cause: err });
  });
}

async function guest(stack: Stack, id: string, command: string[]): Promise<ExecReply> {
  const res = await stack.call<ExecReply>('POST', `/api/v1/instances/${id}/exec`, { command });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
}

/** Width, height and whether the pixels vary, read straight from the PNG's IHDR and IDAT chunks. */
function inspectPng(png: Buffer): { width: number; height: number; distinctBytes: number } {
  assert.deepEqual(
    [...png.subarray(0, 8)],
    [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
    'PNG signature',
  );
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  const idat: Buffer[] = [];
  for (let at = 8; at < png.length;) {
    const len = png.readUInt32BE(at);
    if (png.toString('ascii', at + 4, at + 8) === 'IDAT')
      idat.push(png.subarray(at + 8, at + 8 + len));
    at += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  return { width, height, distinctBytes: new Set(raw).size };
}

/** The client half of an RFB 3.8 handshake with no authentication; returns the screen size. */
async function rfbHandshake(vnc: Opened): Promise<{ width: number; height: number }> {
  const { bytes } = vnc;
  await until('the RFB version', () => vnc.text().startsWith('RFB 003.008'));
  vnc.ws.send(Buffer.from('RFB 003.008\n'));
  await until('the security types', () => bytes().length >= 12 + 2);
  vnc.ws.send(Buffer.from([1]));
  await until('the security result', () => bytes().length >= 12 + 2 + 4);
  vnc.ws.send(Buffer.from([1]));
  await until('the server init', () => bytes().length >= 12 + 2 + 4 + 4);
  const init = bytes().subarray(12 + 2 + 4);
  return { width: init.readUInt16BE(0), height: init.readUInt16BE(2) };
}

describe('VMs through the API, on real QEMU', () => {
  let stack: Stack;
  let vm: Instance;

  before(async () => {
    stack = await startStack('vm');
    await buildTinyTemplate(stack);
  });
  after(async () => stack?.close());

  test('bad VM input is refused and makes nothing', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ kind: 'vm', name: 'm0', memoryMiB: 0 }, /at least 32 MiB/],
      [{ kind: 'vm', name: 'm1', memoryMiB: 1024 * 1024 }, /more than this host has/],
      [{ kind: 'vm', name: 'm2', memoryMiB: 5 * 1024 * 1024 }, /at most 1 TiB/],
      [{ kind: 'vm', name: 'd1', disks: [{ path: '/var/lib/other/disk.qcow2' }] }, /disks/],
      [{ kind: 'vm', name: 'd2', disks: [{ template: '../../etc/shadow' }] }, /disks/],
      [{ kind: 'vm', name: 'i1', cdrom: '../../etc/passwd.iso' }, /cdrom/],
      [
        { kind: 'vm', name: 'i2', cdrom: 'missing.iso', boot: ['cdrom'] },
        /no ISO named missing\.iso/,
      ],
      [{ kind: 'vm', name: 'a b' }, /name/],
    ];
    for (const [body, message] of cases) {
      const res = await stack.call<ErrorReply>('POST', '/api/v1/instances?sync=true', body);
      assert.equal(
        res.status,
        400,
        `${JSON.stringify(body)} → ${res.status} ${JSON.stringify(res.body)}`,
      );
      assert.match(res.body.error.message, message);
    }
    const list = await stack.call<{ items: Instance[] }>('GET', '/api/v1/instances');
    assert.equal(list.body.items.length, 0);
  });

  test('create from the tiny-linux template (linked clone) and boot it', async () => {
    const res = await stack.call<TaskReply>('POST', '/api/v1/instances?sync=true', {
      kind: 'vm',
      name: 'tiny1',
      memoryMiB: 256,
      disks: [{ template: 'tiny-linux' }],
      tags: ['test'],
    });
    assert.equal(res.body.task.status, 'succeeded', JSON.stringify(res.body.task.error));
    vm = res.body.task.result as Instance;
    assert.equal(vm.kind, 'vm');
    assert.equal(vm.state, 'stopped');
    assert.equal(vm.vm?.disks[0]?.template, 'tiny-linux');
    await act(stack, vm.id, 'start');
    await waitForGuest(stack, vm.id);
  });

  test('commands run in the guest through its agent, and its address is reported', async () => {
    const uname = await guest(stack, vm.id, ['uname', '-r']);
    assert.equal(uname.exitCode, 0);
    assert.match(uname.stdout.trim(), /^\d+\.\d+\.\d+-\d+-amd64$/);
    const failing = await guest(stack, vm.id, ['sh', '-c', 'echo no >&2; exit 4']);
    assert.equal(failing.exitCode, 4);
    assert.equal(failing.stderr, 'no\n');
    let seen: Instance | undefined;
    await until(
      'a DHCP address on the bridge',
      async () => {
        seen = (await stack.call<Instance>('GET', `/api/v1/instances/${vm.id}`)).body;
        // The agent flag and the address come from separate guest-agent reads: wait for both.
        return seen.ips.some((ip) => ip.startsWith('10.213.')) && seen.vm?.guestAgent === true;
      },
      60_000,
      1000,
    ).catch(() => undefined);
    assert.ok(
      seen?.ips.some((ip) => ip.startsWith('10.213.')),
      `DHCP address on the bridge: ${seen?.ips}`,
    );
    assert.equal(seen?.vm?.guestAgent, true);
    // The name the guest uses (its image's own), not the VM's name in Berth.
    assert.equal(seen?.hostname, 'tiny-linux');
  });

  test('restarting the agent never stops a VM; the new agent re-attaches to it', async () => {
    const pidfile = path.join(stack.agent.dataDir, 'vms', vm.id, 'qemu.pid');
    const pid = (await readFile(pidfile, 'utf8')).trim();
    await stack.restartAgent();
    assert.equal((await readFile(pidfile, 'utf8')).trim(), pid);
    assert.ok(existsSync(`/proc/${pid}`), 'the same QEMU process still runs');
    assert.equal(
      (await stack.call<Instance>('GET', `/api/v1/instances/${vm.id}`)).body.state,
      'running',
    );
    assert.equal((await guest(stack, vm.id, ['true'])).exitCode, 0);
  });

  test('a screenshot is a real PNG of the screen, not one colour', async () => {
    const res = await fetch(`${stack.baseUrl}/api/v1/instances/${vm.id}/screenshot`, {
      headers: { authorization: `Bearer ${stack.token}` },
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'image/png');
    const png = inspectPng(Buffer.from(await res.arrayBuffer()));
    assert.ok(png.width >= 640 && png.height >= 400, `${png.width}x${png.height}`);
    assert.ok(png.distinctBytes > 2, 'the screen shows something');
  });

  test('VNC and serial consoles relay through the API with a ticket; view-only still sees the screen', async () => {
    for (const viewOnly of [false, true]) {
      const t = await stack.call<ConsoleTicket>(
        'POST',
        `/api/v1/instances/${vm.id}/console-tickets`,
        { kind: 'vnc', viewOnly },
      );
      assert.equal(t.status, 201, JSON.stringify(t.body));
      const vnc = await connect(stack, t.body.path);
      const server = await rfbHandshake(vnc);
      assert.ok(server.width >= 640 && server.height >= 400, `${server.width}x${server.height}`);
      vnc.ws.close();
    }

    const serial = await stack.call<ConsoleTicket>(
      'POST',
      `/api/v1/instances/${vm.id}/console-tickets`,
      { kind: 'serial' },
    );
    const tty = await connect(stack, serial.body.path);
    // The log's tail is replayed first, so the prompt that came before is there already.
    await until('the serial login prompt', () => /login:/.test(tty.text()), 30_000);
    const beforeLogin = tty.text().length;
    tty.ws.send(Buffer.from('root\n'));
    // root has no password in the test image: the next thing is the shell's prompt.
    await until(
      'the shell prompt after login',
      () => /# /.test(tty.text().slice(beforeLogin)),
      30_000,
    );
    tty.ws.send(Buffer.from('echo serial-$((3+4))\n'));
    await until('the serial echo', () => tty.text().includes('serial-7'), 30_000);
    tty.ws.close();

    const onContainer = await stack.call<ErrorReply>(
      'POST',
      `/api/v1/instances/${vm.id}/console-tickets`,
      { kind: 'shell', shellId: '00000000-0000-4000-8000-000000000000' },
    );
    assert.equal(onContainer.status, 400);
  });

  test('pause and unpause', async () => {
    await act(stack, vm.id, 'pause');
    assert.equal(
      (await stack.call<Instance>('GET', `/api/v1/instances/${vm.id}`)).body.state,
      'paused',
    );
    const refused = await stack.call<ErrorReply>('POST', `/api/v1/instances/${vm.id}/exec`, {
      command: ['true'],
    });
    assert.equal(refused.status, 409);
    await act(stack, vm.id, 'unpause');
    assert.equal(
      (await stack.call<Instance>('GET', `/api/v1/instances/${vm.id}`)).body.state,
      'running',
    );
  });

  test('suspend to disk and resume: the guest carries on where it was', async () => {
    const before = Number(
      (await guest(stack, vm.id, ['cat', '/proc/uptime'])).stdout.split(' ')[0],
    );
    await act(stack, vm.id, 'suspend');
    const suspended = (await stack.call<Instance>('GET', `/api/v1/instances/${vm.id}`)).body;
    assert.equal(suspended.state, 'suspended');
    const start = await stack.call<ErrorReply>('POST', `/api/v1/instances/${vm.id}/actions/start`);
    assert.equal(start.status, 409, 'a suspended VM is resumed, not started afresh');
    // The saved state survives an agent restart.
    await stack.restartAgent();
    await act(stack, vm.id, 'resume');
    await waitForGuest(stack, vm.id);
    const after = Number((await guest(stack, vm.id, ['cat', '/proc/uptime'])).stdout.split(' ')[0]);
    assert.ok(after >= before, `uptime went on: ${before} → ${after}`);
  });

  test('ACPI stop, then delete removes its files', async () => {
    const del = await stack.call<ErrorReply>('DELETE', `/api/v1/instances/${vm.id}`);
    assert.equal(del.status, 409);
    await act(stack, vm.id, 'stop', { timeoutSeconds: 60 });
    const stopped = (await stack.call<Instance>('GET', `/api/v1/instances/${vm.id}`)).body;
    assert.equal(stopped.state, 'stopped');
    // A stopped VM has no address, whatever its guest said while it ran.
    assert.deepEqual(stopped.ips, []);
    const gone = await stack.call<TaskReply>('DELETE', `/api/v1/instances/${vm.id}?sync=true`);
    assert.equal(gone.body.task.status, 'succeeded');
    assert.equal(existsSync(path.join(stack.agent.dataDir, 'vms', vm.id)), false);
  });

  test('boot from the ISO; two starts at once make one start', async () => {
    const res = await stack.call<TaskReply>('POST', '/api/v1/instances?sync=true', {
      kind: 'vm',
      name: 'fromiso',
      cdrom: 'tiny-linux.iso',
      boot: ['cdrom'],
    });
    assert.equal(res.body.task.status, 'succeeded', JSON.stringify(res.body.task.error));
    const isoVm = res.body.task.result as Instance;
    const [a, b] = await Promise.all([
      stack.call<TaskReply & ErrorReply>('POST', `/api/v1/instances/${isoVm.id}/actions/start`),
      stack.call<TaskReply & ErrorReply>('POST', `/api/v1/instances/${isoVm.id}/actions/start`),
    ]);
    const accepted = [a, b].filter((r) => r.status === 202);
    assert.equal(accepted.length, 1, `statuses ${a.status} ${b.status}`);
    assert.equal([a, b].find((r) => r.status !== 202)?.status, 409);
    assert.equal((await waitTask(stack, accepted[0]!.body.task.id)).status, 'succeeded');
    await waitForGuest(stack, isoVm.id);
    const mounts = await guest(stack, isoVm.id, ['uname', '-r']);
    assert.equal(mounts.exitCode, 0);
    // Eject and re-insert the ISO while it runs.
    const ejected = await stack.call<Instance>('PATCH', `/api/v1/instances/${isoVm.id}`, {
      cdrom: null,
    });
    assert.equal(ejected.status, 200, JSON.stringify(ejected.body));
    assert.equal(ejected.body.vm?.cdrom, null);
    const inserted = await stack.call<Instance>('PATCH', `/api/v1/instances/${isoVm.id}`, {
      cdrom: 'tiny-linux.iso',
    });
    assert.equal(inserted.body.vm?.cdrom, 'tiny-linux.iso');
    const forced = await stack.call<TaskReply>(
      'DELETE',
      `/api/v1/instances/${isoVm.id}?force=true&sync=true`,
    );
    assert.equal(forced.body.task.status, 'succeeded');
  });

  test('a guest without a guest agent gets a clear error, not a hang', async () => {
    const res = await stack.call<TaskReply>('POST', '/api/v1/instances?sync=true', {
      kind: 'vm',
      name: 'blank',
      memoryMiB: 64,
      disks: [{ sizeMiB: 32 }],
    });
    const blank = res.body.task.result as Instance;
    await act(stack, blank.id, 'start');
    const exec = await stack.call<ErrorReply>('POST', `/api/v1/instances/${blank.id}/exec`, {
      command: ['true'],
    });
    assert.equal(exec.status, 409);
    assert.equal(exec.body.error.code, 'guest_agent_unavailable');
    assert.match(exec.body.error.message, /guest agent is not answering/);
    const gone = await stack.call<TaskReply>(
      'DELETE',
      `/api/v1/instances/${blank.id}?force=true&sync=true`,
    );
    assert.equal(gone.body.task.status, 'succeeded');
  });

  test('ISO upload is streamed, checksummed and its name validated', async () => {
    const body = randomBytes(3 * 1024 * 1024);
    // The store takes CD images only: an ISO 9660 volume descriptor where one belongs.
    body.write('CD001', 0x8001, 'latin1');
    const put = (name: string, data: Blob | string = new Blob([new Uint8Array(body)])) =>
      fetch(`${stack.baseUrl}/api/v1/isos/${name}`, {
        method: 'PUT',
        headers: {
          authorization: `Bearer ${stack.token}`,
          'content-type': 'application/octet-stream',
        },
        body: data,
      });
    const res = await put('upload-test.iso');
    assert.equal(res.status, 201);
    const iso = (await res.json()) as { sha256: string; sizeBytes: number };
    assert.equal(iso.sizeBytes, body.length);
    assert.equal(iso.sha256, createHash('sha256').update(body).digest('hex'));
    assert.equal((await put('upload-test.iso')).status, 409);
    assert.equal((await put('..%2F..%2Fetc%2Fevil.iso')).status, 400);
    assert.equal((await put('evil.sh')).status, 400);
    assert.equal((await put('empty.iso', '')).status, 400);
    const list = await stack.call<{ items: Array<{ name: string }> }>('GET', '/api/v1/isos');
    assert.deepEqual(list.body.items.map((i) => i.name).sort(), [
      'tiny-linux.iso',
      'upload-test.iso',
    ]);
    assert.equal((await stack.call('DELETE', '/api/v1/isos/upload-test.iso')).status, 204);
  });
});
