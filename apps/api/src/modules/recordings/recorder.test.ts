import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, test } from 'node:test';
import { CAST_FILE, CastRecorder, FRAME_INDEX, FrameRecorder } from './recorder.js';

let root: string;
before(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'berth-recorder-'));
});
after(() => rm(root, { recursive: true, force: true }));

const folder = async (name: string) => {
  const dir = path.join(root, name);
  await mkdir(dir);
  return dir;
};

const session = {
  id: '11111111-1111-4111-8111-111111111111',
  instanceId: '22222222-2222-4222-8222-222222222222',
  program: '/bin/bash',
  user: 'root',
  cols: 100,
  rows: 30,
  createdAt: new Date().toISOString(),
  attached: 1,
  detachedAt: null,
  ownerId: null,
};

test('a shell is recorded as asciicast v2: its size, output, input and resizes', async () => {
  const dir = await folder('shell');
  const rec = new CastRecorder('shell', 'shell of ct by alice', { dir, reserveBytes: 0 });
  const tap = rec.tap;
  // The browser's first resize and the agent's "attached" come before any output.
  tap.fromClient(Buffer.from(JSON.stringify({ type: 'resize', cols: 90, rows: 20 })), false);
  tap.fromAgent(Buffer.from(JSON.stringify({ type: 'attached', session })), false);
  await rec.open();
  const e = Buffer.from('hello é\r\n');
  tap.fromAgent(e.subarray(0, 7), true); // cut inside the é
  tap.fromAgent(e.subarray(7), true);
  tap.fromClient(Buffer.from('ls\r'), true);
  tap.fromClient(Buffer.from(JSON.stringify({ type: 'resize', cols: 120, rows: 40 })), false);
  assert.equal(await rec.finish(), null);

  const [head, ...lines] = (await readFile(path.join(dir, CAST_FILE), 'utf8'))
    .trimEnd()
    .split('\n');
  const header = JSON.parse(head!) as Record<string, unknown>;
  assert.equal(header.version, 2);
  assert.equal(header.width, 100);
  assert.equal(header.height, 30);
  assert.equal(header.title, 'shell of ct by alice');
  assert.ok(Math.abs((header.timestamp as number) - Date.now() / 1000) < 5);
  const events = lines.map((l) => JSON.parse(l) as [number, string, string]);
  assert.deepEqual(
    events.map(([, code, data]) => [code, data]),
    [
      ['o', 'hello '],
      ['o', 'é\r\n'],
      ['i', 'ls\r'],
      ['r', '120x40'],
    ],
  );
  for (let i = 1; i < events.length; i++) assert.ok(events[i]![0] >= events[i - 1]![0]);
});

test('a serial port records every byte both ways, with a default size', async () => {
  const dir = await folder('serial');
  const rec = new CastRecorder('serial', 'serial', { dir, reserveBytes: 0 });
  await rec.open();
  rec.tap.fromAgent(Buffer.from('login: '), true);
  rec.tap.fromClient(Buffer.from('{"type":"resize"}'), false);
  assert.equal(await rec.finish(), null);
  const lines = (await readFile(path.join(dir, CAST_FILE), 'utf8')).trimEnd().split('\n');
  assert.equal((JSON.parse(lines[0]!) as { width: number }).width, 80);
  assert.deepEqual(JSON.parse(lines[2]!).slice(1), ['i', '{"type":"resize"}']);
});

test('a disk without room stops the recording, not the console, and says why', async () => {
  const dir = await folder('full');
  const rec = new CastRecorder('shell', 't', { dir, reserveBytes: Number.MAX_SAFE_INTEGER });
  await rec.open();
  rec.tap.fromAgent(Buffer.from('more'), true);
  assert.match((await rec.finish()) ?? '', /the disk is nearly full \(\d+ MB free on /);
  assert.deepEqual(await readdir(dir), []);
});

test('a VM screen is recorded as frames, an unchanged screen adding none', async () => {
  const dir = await folder('vnc');
  const screens = [Buffer.from('A'), Buffer.from('A'), Buffer.from('B')];
  let i = 0;
  const capture = async () => screens[Math.min(i++, screens.length - 1)]!;
  const rec = new FrameRecorder(capture, { dir, reserveBytes: 0 }, 10);
  await rec.open();
  await sleep(120);
  assert.equal(await rec.finish(), null);
  const index = (await readFile(path.join(dir, FRAME_INDEX), 'utf8'))
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as { n: number; t: number });
  assert.deepEqual(
    index.map((f) => f.n),
    [0, 1],
  );
  assert.equal(await readFile(path.join(dir, 'frames', '1.png'), 'utf8'), 'B');
});
