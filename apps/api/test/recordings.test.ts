import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ConsoleTicket, Instance, Recording, RecordingFrame, Task } from '@berth/contracts';
import { connect, until } from './console-client.js';
import { startStack, type Stack } from './harness.js';

type TaskReply = { task: Task };

/** A VM's screen and serial port recorded through the API, on real QEMU. */
describe('console recording of a VM: the screen as frames, the serial port as asciicast', () => {
  let stack: Stack;
  let vm: Instance;

  before(async () => {
    stack = await startStack('recvm');
    const build = await stack.call<TaskReply>(
      'POST',
      '/api/v1/templates/tiny-linux/build?sync=true',
      {
        rebuild: false,
      },
    );
    assert.equal(build.body.task.status, 'succeeded', JSON.stringify(build.body.task.error));
    const created = await stack.call<TaskReply>('POST', '/api/v1/instances?sync=true', {
      kind: 'vm',
      name: 'recorded',
      memoryMiB: 128,
      disks: [{ template: 'tiny-linux' }],
    });
    assert.equal(created.body.task.status, 'succeeded', JSON.stringify(created.body.task.error));
    vm = created.body.task.result as Instance;
    const started = await stack.call<TaskReply>(
      'POST',
      `/api/v1/instances/${vm.id}/actions/start?sync=true`,
    );
    assert.equal(started.body.task.status, 'succeeded', JSON.stringify(started.body.task.error));
    const on = await stack.call('PUT', `/api/v1/recording-policies/instances/${vm.id}`, {
      enabled: true,
    });
    assert.equal(on.status, 200);
  });
  after(async () => stack?.close());

  const ended = (kind: string) =>
    until(`the ${kind} recording to end`, async () => {
      const { body } = await stack.call<{ items: Recording[] }>(
        'GET',
        `/api/v1/recordings?instanceId=${vm.id}`,
      );
      return body.items.find((r) => r.kind === kind && r.endedAt);
    });

  const raw = (path: string) =>
    fetch(`${stack.baseUrl}${path}`, { headers: { authorization: `Bearer ${stack.token}` } });

  test('the screen, while its console is open: PNG frames with their times', async () => {
    const t = await stack.call<ConsoleTicket>(
      'POST',
      `/api/v1/instances/${vm.id}/console-tickets`,
      {
        kind: 'vnc',
      },
    );
    assert.equal(t.body.recorded, true);
    const screen = await connect(stack, t.body.path);
    // The first frame is taken at once, the next every 2 s.
    await new Promise((r) => setTimeout(r, 4500));
    screen.ws.close();
    const rec = await ended('vnc');
    assert.equal(rec.format, 'frames');
    const frames = (await (await raw(`/api/v1/recordings/${rec.id}/frames`)).json()) as {
      items: RecordingFrame[];
    };
    assert.ok(frames.items.length >= 1, 'at least the first frame');
    assert.equal(frames.items[0]!.n, 0);
    assert.ok(frames.items.every((f, i) => i === 0 || f.t > frames.items[i - 1]!.t));
    const png = await raw(`/api/v1/recordings/${rec.id}/frames/0`);
    assert.equal(png.headers.get('content-type'), 'image/png');
    assert.deepEqual(
      [...Buffer.from(await png.arrayBuffer()).subarray(0, 4)],
      [0x89, 0x50, 0x4e, 0x47],
    );
    assert.equal((await raw(`/api/v1/recordings/${rec.id}/cast`)).status, 400);
    assert.equal((await raw(`/api/v1/recordings/${rec.id}/frames/999`)).status, 404);
  });

  test('the serial port: what the VM printed, as asciicast', async () => {
    const t = await stack.call<ConsoleTicket>(
      'POST',
      `/api/v1/instances/${vm.id}/console-tickets`,
      {
        kind: 'serial',
      },
    );
    const serial = await connect(stack, t.body.path);
    // A new viewer first gets the tail of the serial log: the boot so far.
    await until('the boot log', () => serial.text().length > 0, 60_000);
    serial.ws.send(Buffer.from('\n'));
    await new Promise((r) => setTimeout(r, 500));
    serial.ws.close();
    const rec = await ended('serial');
    assert.equal(rec.format, 'asciicast-v2');
    const text = await (await raw(`/api/v1/recordings/${rec.id}/cast`)).text();
    const [head, ...lines] = text.trimEnd().split('\n');
    assert.equal((JSON.parse(head!) as { version: number }).version, 2);
    const events = lines.map((l) => JSON.parse(l) as [number, string, string]);
    assert.ok(events.some((e) => e[1] === 'o' && e[2].length > 0));
    assert.ok(events.some((e) => e[1] === 'i' && e[2] === '\n'));

    // Deleting a recording takes its files with it.
    const del = await stack.call('DELETE', `/api/v1/recordings/${rec.id}`);
    assert.equal(del.status, 204);
    assert.equal((await raw(`/api/v1/recordings/${rec.id}/cast`)).status, 404);
  });
});
