import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { RecordStore } from './record-store.js';

interface Rec {
  id: string;
  n: number;
}

const roots: string[] = [];
after(() => Promise.all(roots.map((r) => rm(r, { recursive: true, force: true }))));

async function store() {
  const root = await mkdtemp(path.join(tmpdir(), 'berth-store-'));
  roots.push(root);
  const layout = {
    root,
    file: 'rec.json',
    dirName: (r: Rec) => String(r.n),
    isRecordDir: (entry: string) => /^\d+$/.test(entry),
    order: (a: Rec, b: Rec) => a.n - b.n,
  };
  return { root, layout, store: new RecordStore<Rec>(layout) };
}

test('a saved record is found again by a new store, in order, without leftovers', async () => {
  const { root, layout, store: first } = await store();
  await first.save({ id: 'b', n: 7 });
  await first.save({ id: 'a', n: 3 });
  assert.deepEqual(await readdir(path.join(root, '7')), ['rec.json']);
  const again = new RecordStore<Rec>(layout);
  assert.deepEqual(await again.load(), [
    { id: 'a', n: 3 },
    { id: 'b', n: 7 },
  ]);
  assert.deepEqual(JSON.parse(await readFile(path.join(root, '3', 'rec.json'), 'utf8')), {
    id: 'a',
    n: 3,
  });
});

test('directories that hold no record, or are not record directories, are skipped', async () => {
  const { root, store: s } = await store();
  await mkdir(path.join(root, '12'));
  await mkdir(path.join(root, 'images'));
  await writeFile(path.join(root, 'images', 'rec.json'), '{"id":"x","n":0}');
  assert.deepEqual(await s.load(), []);
});

test('remove forgets the record and deletes its directory', async () => {
  const { root, store: s } = await store();
  const rec = { id: 'a', n: 1 };
  await s.save(rec);
  await s.remove(rec);
  assert.equal(s.get('a'), undefined);
  assert.deepEqual(await readdir(root), []);
});
