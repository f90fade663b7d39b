import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  loginAdmin,
  mountLoopDisk,
  startApiProcess,
  type ApiProcess,
  type LoopDisk,
} from './api-process.js';
import { until } from './wait.js';

type ErrorBody = { error: { code: string; message: string } };

/**
 * The API's database on a small disk of its own that a test makes read-only or fills up, with
 * the API running as a real process: writes must answer 503 and say why, reads keep working,
 * the process stays up, and writes work again once the disk does, with no restart.
 */
describe('the API when its database cannot write', () => {
  let root: string;
  let disk: LoopDisk;
  let api: ApiProcess;
  let cookie: string;
  let session: Record<string, string>;
  let token: string;
  let db: string;

  before(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'berth-dbfault-'));
    disk = mountLoopDisk(path.join(root, 'disk.img'), path.join(root, 'mnt'), 24);
    db = path.join(disk.dir, 'berth.db');
    api = await startApiProcess({ dataDir: path.join(root, 'data'), databaseFile: db });
    ({ cookie, session, token } = await loginAdmin(api.baseUrl));
  });
  after(async () => {
    await api?.stop();
    for (const file of db ? [db, `${db}-wal`] : []) {
      try {
        execFileSync('chattr', ['-i', file], { stdio: 'ignore' });
      } catch {
        // gone already (a clean stop folds the WAL back in) or never frozen
      }
    }
    disk?.unmount();
    rmSync(root, { recursive: true, force: true });
  });

  /** A write that only touches the database: a new API token (and its audit row). */
  const write = () =>
    fetch(`${api.baseUrl}/api/v1/auth/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...session },
      body: JSON.stringify({ name: `t-${Math.random().toString(36).slice(2)}` }),
    });
  const read = () =>
    fetch(`${api.baseUrl}/api/v1/auth/tokens`, { headers: { authorization: `Bearer ${token}` } });

  async function assertRecovers(): Promise<void> {
    // Nothing is restarted: the same process must take writes again by itself.
    const pid = api.process.pid;
    const res = await until(
      'a write to succeed again',
      async () => ((await write()).status === 201 ? true : null),
      15_000,
      200,
    );
    assert.ok(res);
    assert.equal(api.process.pid, pid);
    assert.ok(api.alive());
  }

  test('made read-only: writes answer 503 with the reason, reads work, then writes recover', async () => {
    assert.equal((await write()).status, 201);
    // Root ignores file modes, and a file system with open writers cannot be remounted read-only;
    // the immutable flag is what refuses root's writes to files already open. Not on -shm: SQLite
    // maps it, and an immutable mapping faults the process (that would be the test's doing).
    execFileSync('chattr', ['+i', db, `${db}-wal`]);
    try {
      const res = await write();
      assert.equal(res.status, 503);
      const body = (await res.json()) as ErrorBody;
      assert.equal(body.error.code, 'unavailable');
      assert.match(
        body.error.message,
        /^the database cannot be written: .*\(SQLITE_(IOERR|READONLY)/,
      );
      assert.match(body.error.message, /try again when it is writable/);

      // Work for a host is refused before the host is asked (here no agent even listens: a 502
      // would mean the API went to the agent first and would have left work it cannot record).
      const create = await fetch(`${api.baseUrl}/api/v1/instances`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ template: 'busybox', name: 'never-made' }),
      });
      assert.equal(create.status, 503, await create.text());

      const listed = await read();
      assert.equal(listed.status, 200, 'reads still work');
      assert.ok(((await listed.json()) as { items: unknown[] }).items.length >= 2);
      const me = await fetch(`${api.baseUrl}/api/v1/auth/me`, { headers: { cookie } });
      assert.equal(me.status, 200, 'a session still reads');
      assert.ok(api.alive());
    } finally {
      execFileSync('chattr', ['-i', db, `${db}-wal`]);
    }
    await assertRecovers();
  });

  test('disk full: writes answer 503 with SQLITE_FULL, reads work, and writes recover once space is freed', async () => {
    const filler = path.join(disk.dir, 'filler');
    try {
      execFileSync('sh', ['-c', `dd if=/dev/zero of='${filler}' bs=64k 2>/dev/null; sync`]);
    } catch {
      // dd ends with "no space left", which is the point
    }
    try {
      // Space SQLite already holds (the WAL it rewrites from the start) still takes writes; the
      // first write that needs a new block is refused, so write until one is.
      let refused: Response | null = null;
      for (let i = 0; i < 3000 && !refused; i++) {
        const res = await write();
        if (res.status !== 201) refused = res;
        else await res.arrayBuffer();
      }
      assert.ok(refused, 'a write was refused once the disk was full');
      assert.equal(refused.status, 503);
      const body = (await refused.json()) as ErrorBody;
      assert.equal(body.error.code, 'unavailable');
      assert.equal(
        body.error.message,
        'the database cannot be written: disk full (SQLITE_FULL); try again when space is freed',
      );
      assert.equal((await read()).status, 200, 'reads still work');
      assert.ok(api.alive());
      // What it could not put in the audit table it put in its log instead.
      assert.match(api.log(), /audit row not written/);
    } finally {
      rmSync(filler, { force: true });
    }
    await assertRecovers();
    assert.doesNotMatch(api.log(), /unhandled rejection/);
  });
});
