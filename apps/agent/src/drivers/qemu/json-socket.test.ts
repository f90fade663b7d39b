import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { JsonSocket } from './json-socket.js';

const dirs: string[] = [];
after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

test('a request that times out behind a slow one neither closes the connection nor steals a reply', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'berth-json-'));
  dirs.push(dir);
  const file = path.join(dir, 'sock');
  let client: Socket | undefined;
  const server = createServer((s) => (client = s));
  await new Promise<void>((r) => server.listen(file, r));
  try {
    const conn = await JsonSocket.connect(file, () => false);
    const slow = conn.request<string>({ execute: 'savevm' }, 10_000);
    const quick = conn.request<string>({ execute: 'query-status' }, 50);
    await assert.rejects(quick, /timed out/);
    assert.equal(conn.isClosed, false);
    // The monitor answers in order once the slow command is done: each reply to its request.
    client!.write('{"return":"saved"}\n{"return":"running"}\n');
    assert.equal(await slow, 'saved');
    client!.write('{"return":"third"}\n');
    assert.equal(await conn.request<string>({ execute: 'x' }, 1000), 'third');
    conn.close();
  } finally {
    client?.destroy();
    await new Promise((r) => server.close(r));
  }
});
