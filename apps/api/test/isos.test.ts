import assert from 'node:assert/strict';
import { request } from 'node:http';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ErrorBody, Iso, IsoStoreUsage } from '@berth/contracts';
import { startStack, type Stack } from './harness.js';
import { listDir } from './fault-drills/drill-checks.js';
import { until } from './wait.js';

const KiB = 1024;

/** A minimal CD image: zeros with volume descriptor identifiers where the formats put them. */
const cdImage = (bytes: number, ...ids: string[]) => {
  const data = Buffer.alloc(bytes);
  ids.forEach((id, i) => data.write(id, 0x8001 + i * 2048, 'latin1'));
  return data;
};

describe('the ISO store takes CD images only, within its quota, and keeps nothing of a refused upload', () => {
  let stack: Stack;
  let isoDir: string;
  const put = (name: string, body: BodyInit, init: RequestInit = {}) =>
    fetch(`${stack.baseUrl}/api/v1/isos/${name}`, {
      method: 'PUT',
      headers: {
        authorization: `Bearer ${stack.token}`,
        'content-type': 'application/octet-stream',
      },
      body,
      ...init,
    });
  /** A raw PUT announcing 4 MiB, so a test can stop it part-way: the caller writes and ends it. */
  const startUpload = (name: string) =>
    request(new URL(`${stack.baseUrl}/api/v1/isos/${name}`), {
      method: 'PUT',
      headers: {
        authorization: `Bearer ${stack.token}`,
        'content-type': 'application/octet-stream',
        'content-length': String(4 * 1024 * KiB),
      },
    });
  /** What the upload left in the store's folder besides the ISOs there before. */
  const remains = (before: string[]) => listDir(isoDir).filter((f) => !before.includes(f));

  before(async () => {
    stack = await startStack('isos');
    isoDir = path.join(stack.agent.dataDir, 'isos');
  });
  after(async () => {
    await stack?.close();
  });

  test('anything but ISO 9660 or UDF is refused with a 400 that says so', async () => {
    const before = listDir(isoDir);
    const exe = Buffer.alloc(100 * KiB, 0x90);
    exe.write('MZ', 0);
    const res = await put('setup.iso', exe);
    assert.equal(res.status, 400);
    assert.match(((await res.json()) as ErrorBody).error.message, /not an ISO 9660 or UDF image/);
    // Shorter than the first volume descriptor: refused too.
    assert.equal((await put('tiny.iso', Buffer.from('CD001'))).status, 400);
    assert.deepEqual(remains(before), []);
  });

  test('a tiny ISO 9660 image and a UDF one are taken', async () => {
    const iso = await put('tiny9660.iso', cdImage(36 * KiB, 'CD001'));
    assert.equal(iso.status, 201, await iso.clone().text());
    assert.equal(((await iso.json()) as Iso).sizeBytes, 36 * KiB);
    const udf = await put('tinyudf.iso', cdImage(48 * KiB, 'BEA01', 'NSR03', 'TEA01'));
    assert.equal(udf.status, 201, await udf.clone().text());
    for (const name of ['tiny9660.iso', 'tinyudf.iso']) {
      assert.equal((await stack.call('DELETE', `/api/v1/isos/${name}`)).status, 204);
    }
  });

  test('past the quota: 413 up front with a length, 413 while streaming without one, no file', async () => {
    const before = listDir(isoDir);
    const now = await stack.call<IsoStoreUsage>('GET', '/api/v1/isos/store');
    assert.equal(now.status, 200);
    assert.equal(now.body.quotaBytes, 64 * 1024 ** 3, 'the default quota');
    const set = await stack.call<IsoStoreUsage>('PUT', '/api/v1/isos/store', {
      quotaBytes: now.body.usedBytes + 100 * KiB,
    });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    assert.equal(set.body.quotaBytes, now.body.usedBytes + 100 * KiB);

    const big = cdImage(200 * KiB, 'CD001');
    const declared = await put('big.iso', big);
    assert.equal(declared.status, 413);
    const error = ((await declared.json()) as ErrorBody).error;
    assert.equal(error.code, 'too_large');
    assert.match(error.message, /quota/);

    const streamed = await put('big.iso', new Blob([big]).stream(), {
      duplex: 'half',
    } as RequestInit);
    assert.equal(streamed.status, 413);
    assert.match(((await streamed.json()) as ErrorBody).error.message, /quota/);
    assert.deepEqual(remains(before), []);

    // Within it, an upload still lands.
    assert.equal((await put('fits.iso', cdImage(64 * KiB, 'CD001'))).status, 201);
    assert.equal((await stack.call('DELETE', '/api/v1/isos/fits.iso')).status, 204);
    const reset = await stack.call<IsoStoreUsage>('PUT', '/api/v1/isos/store', {
      quotaBytes: null,
    });
    assert.equal(reset.body.quotaBytes, 64 * 1024 ** 3);
  });

  test('a client that disconnects mid-upload leaves no file', async () => {
    const before = listDir(isoDir);
    const req = startUpload('cut.iso');
    req.on('error', () => undefined);
    req.write(cdImage(512 * KiB, 'CD001'));
    // The agent has begun writing the upload: then the client goes away.
    await until(
      'the upload to reach the agent',
      async () => remains(before).some((f) => f.startsWith('.upload-')),
      10_000,
    );
    req.destroy();
    await until(
      'the partial upload to be removed',
      async () => remains(before).length === 0,
      10_000,
    );
    const list = await stack.call<{ items: Iso[] }>('GET', '/api/v1/isos');
    assert.ok(!list.body.items.some((i) => i.name === 'cut.iso'));
  });

  test('an agent killed mid-upload leaves no file once it is back', async () => {
    const before = listDir(isoDir);
    const req = startUpload('killed.iso');
    const answered = new Promise<number>((resolve) => {
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', () => resolve(0));
    });
    req.write(cdImage(512 * KiB, 'CD001'));
    await until(
      'the upload to reach the agent',
      async () => remains(before).some((f) => f.startsWith('.upload-')),
      10_000,
    );
    await stack.restartAgent({ kill: true });
    assert.notEqual(await answered, 201);
    req.destroy();
    assert.deepEqual(remains(before), []);
    const list = await stack.call<{ items: Iso[] }>('GET', '/api/v1/isos');
    assert.ok(!list.body.items.some((i) => i.name === 'killed.iso'));
  });
});
