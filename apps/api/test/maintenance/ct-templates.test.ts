import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { request } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Instance, Task, Template } from '@berth/contracts';
import { startStack, type Stack } from '../harness.js';
import { replayedAfterKill } from '../failpoint.js';
import { loopDevicesUnder } from '../fault-drills/drill-checks.js';
import { until } from '../wait.js';

type TaskReply = { task: Task };
type ErrorReply = { error: { code: string; message: string; issues?: Array<{ path: string }> } };

/**
 * Container templates on the real stack (busybox): made from a stopped container (which stays),
 * a container made from it holding the source's files with their owners, exported to a file,
 * deleted, imported under another name and used again; the agent killed before the commit; and
 * bad input refused with nothing changed.
 */
describe('container templates: from a container, exported and imported as a file', () => {
  let stack: Stack;
  let src: Instance;
  let folder: string;

  const call = <T>(method: string, url: string, body?: unknown) =>
    stack.call<T & ErrorReply>(method, url, body);
  const ok = async (method: string, url: string, body?: unknown) => {
    const res = await call<TaskReply>(method, `${url}?sync=true`, body);
    assert.ok(res.status < 300, `${method} ${url}: ${JSON.stringify(res.body)}`);
    assert.equal(res.body.task.status, 'succeeded', JSON.stringify(res.body.task.error));
    return res.body.task;
  };
  const create = async (name: string, template: string): Promise<Instance> =>
    (await ok('POST', '/api/v1/instances', { template, name, diskSizeMiB: 64 })).result as Instance;
  const start = (id: string) => ok('POST', `/api/v1/instances/${id}/actions/start`);
  const stop = (id: string) =>
    ok('POST', `/api/v1/instances/${id}/actions/stop`, { timeoutSeconds: 5 });
  const sh = async (id: string, script: string) => {
    const res = await call<{ exitCode: number; stdout: string; stderr: string }>(
      'POST',
      `/api/v1/instances/${id}/exec`,
      { command: ['sh', '-c', script], timeoutSeconds: 60 },
    );
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.exitCode, 0, res.body.stderr);
    return res.body.stdout.trim();
  };
  const templates = async () =>
    (await call<{ items: Template[] }>('GET', '/api/v1/templates')).body.items.filter(
      (t) => t.custom,
    );
  const makeTemplate = (name: string, extra: object = {}) =>
    ok('POST', `/api/v1/instances/${src.id}/template`, { name, ...extra });
  const importFile = (name: string, body: BodyInit, query = '') =>
    fetch(`${stack.baseUrl}/api/v1/templates/import?name=${name}${query}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${stack.token}`,
        'content-type': 'application/octet-stream',
      },
      body,
    });
  /** The container's record and image as the agent keeps them. */
  const onHost = (ct: Instance) => {
    const find = (name: string) =>
      execFileSync('find', [stack.agent.dataDir, '-name', name]).toString().trim().split('\n');
    const record = find('berth.json')
      .map(
        (f) =>
          JSON.parse(readFileSync(f, 'utf8')) as { ctid: number; idmap?: { hostBase: number } },
      )
      .find((r) => r.ctid === ct.ctid);
    assert.ok(record?.idmap, `CT ${ct.ctid} is unprivileged`);
    const image = find(`${ct.ctid}.img`)[0];
    assert.ok(image);
    return { hostBase: record.idmap.hostBase, image };
  };
  /** Runs `work` with the container's (stopped) image mounted on the host. */
  const mounted = <T>(ct: Instance, work: (root: string, hostBase: number) => T): T => {
    const { image, hostBase } = onHost(ct);
    const dir = mkdtempSync(path.join(tmpdir(), 'cttpl-'));
    execFileSync('mount', ['-o', 'loop', image, dir]);
    try {
      return work(dir, hostBase);
    } finally {
      execFileSync('umount', [dir]);
      rmdirSync(dir);
    }
  };

  /** A container made from `template` has the source's files, with their owners. */
  const checkMadeFrom = async (template: string, name: string) => {
    const ct = await create(name, template);
    assert.equal(ct.template, template);
    await start(ct.id);
    assert.equal(await sh(ct.id, 'cat /root/hello.txt'), 'hello from the source');
    assert.equal(await sh(ct.id, 'stat -c %u:%g /srv/owned'), '1000:1000');
    assert.equal(await sh(ct.id, 'hostname'), name, "its own hostname, not the source's");
    await stop(ct.id);
    // The capability is the new container's root's, not the source's.
    mounted(ct, (root, hostBase) => {
      const caps = execFileSync('getcap', ['-n', path.join(root, 'srv/capped')]).toString();
      assert.match(caps, new RegExp(`cap_net_raw=ep \\[rootid=${hostBase}\\]`));
    });
    await ok('DELETE', `/api/v1/instances/${ct.id}`);
  };

  before(async () => {
    stack = await startStack('cttpl');
    folder = path.join(stack.agent.dataDir, 'templates');
    src = await create('source', 'busybox');
    await start(src.id);
    await sh(src.id, 'echo "hello from the source" > /root/hello.txt');
    await sh(src.id, 'mkdir -p /srv && touch /srv/owned && chown 1000:1000 /srv/owned');
    await sh(src.id, 'touch /srv/capped');
    await stop(src.id);
    // As `setcap` inside the container would write it: namespaced for its root.
    mounted(src, (root, hostBase) =>
      execFileSync('setcap', [
        '-n',
        String(hostBase),
        'cap_net_raw+ep',
        path.join(root, 'srv/capped'),
      ]),
    );
  });
  after(async () => {
    if (!stack) return;
    const dataDir = stack.agent.dataDir;
    await stack.close();
    assert.deepEqual(loopDevicesUnder(dataDir), [], 'loop devices left');
  });

  test('a template from a stopped container; the container stays; containers are made from it', async () => {
    const t = await makeTemplate('app1', { description: 'busybox with hello' });
    const made = t.result as Template;
    assert.deepEqual(
      [made.name, made.kind, made.custom, made.description],
      ['app1', 'ct', true, 'busybox with hello'],
    );
    assert.equal((await call<Instance>('GET', `/api/v1/instances/${src.id}`)).status, 200);
    assert.deepEqual(
      (await templates()).map((x) => [x.name, x.kind, x.cached]),
      [['app1', 'ct', true]],
    );
    // Stored as the container saw its files, 0-based like the built-in caches.
    const listing = execFileSync('tar', [
      '--numeric-owner',
      '-tvf',
      path.join(folder, 'app1', 'rootfs.tar.zst'),
    ]).toString();
    assert.match(listing, /^-\S+ 0\/0 .* \.\/root\/hello\.txt$/m);
    assert.match(listing, /^-\S+ 1000\/1000 .* \.\/srv\/owned$/m);
    const meta = JSON.parse(
      readFileSync(path.join(folder, 'app1', 'berth-ct-template.json'), 'utf8'),
    ) as { capabilities: unknown; haltSignal: string };
    assert.deepEqual(meta.capabilities, [{ file: 'srv/capped', caps: 'cap_net_raw=ep' }]);
    assert.equal(meta.haltSignal, 'SIGUSR2', "busybox's");
    await checkMadeFrom('app1', 'child1');
  });

  test('export to a file, delete, import under a new name, make a container again', async () => {
    const res = await fetch(`${stack.baseUrl}/api/v1/templates/app1/export`, {
      headers: { authorization: `Bearer ${stack.token}` },
    });
    assert.equal(res.status, 200);
    assert.equal(
      res.headers.get('content-disposition'),
      'attachment; filename="app1.berth-template.tar"',
    );
    const file = Buffer.from(await res.arrayBuffer());
    assert.equal(Number(res.headers.get('content-length')), file.length);

    assert.equal((await call('DELETE', '/api/v1/templates/app1')).status, 204);
    assert.deepEqual(await templates(), []);
    assert.ok(!existsSync(path.join(folder, 'app1')));

    const imported = await importFile('app2', file);
    const body = (await imported.json()) as Template;
    assert.equal(imported.status, 201, JSON.stringify(body));
    assert.deepEqual([body.name, body.kind, body.custom], ['app2', 'ct', true]);
    assert.equal(body.description, 'busybox with hello');
    await checkMadeFrom('app2', 'child2');
  });

  test('the agent killed before the commit leaves no template and no .part', async () => {
    await stack.restartAgent({ env: { BERTH_AGENT_FAILPOINT: 'ct.template.commit' } });
    const res = await call<TaskReply>('POST', `/api/v1/instances/${src.id}/template`, {
      name: 'killed',
    });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    const t = await replayedAfterKill(stack, res.body.task.id);
    assert.equal(t.status, 'failed');
    assert.match(t.error?.message ?? '', /rolled back: no template killed was made/);
    assert.deepEqual(readdirSync(folder).sort(), ['app2']);
    assert.deepEqual(
      (await templates()).map((x) => x.name),
      ['app2'],
    );
    assert.deepEqual(loopDevicesUnder(stack.agent.dataDir), [], 'the image is let go');
    // The source is whole and starts.
    await start(src.id);
    assert.equal(await sh(src.id, 'cat /root/hello.txt'), 'hello from the source');
    await stop(src.id);
  });

  test('the agent killed in the middle of an import leaves no template and no .part', async () => {
    const file = execFileSync('tar', ['-cf', '-', '-C', path.join(folder, 'app2'), '.'], {
      maxBuffer: 64 << 20,
    });
    const req = request(new URL(`${stack.baseUrl}/api/v1/templates/import?name=cut`), {
      method: 'POST',
      headers: {
        authorization: `Bearer ${stack.token}`,
        'content-type': 'application/octet-stream',
        'content-length': String(file.length * 4),
      },
    });
    const answered = new Promise<number>((resolve) => {
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', () => resolve(0));
    });
    req.write(file);
    await until(
      'the upload to reach the agent',
      async () => existsSync(path.join(folder, 'cut.part', 'upload.tar')),
      10_000,
    );
    await stack.restartAgent({ kill: true });
    assert.notEqual(await answered, 201);
    req.destroy();
    assert.deepEqual(readdirSync(folder).sort(), ['app2'], 'swept at start');
    assert.deepEqual(
      (await templates()).map((x) => x.name),
      ['app2'],
    );
  });

  test('bad input is a 4xx and changes nothing', async () => {
    const before = readdirSync(folder).sort();
    const refused = async (
      res: { status: number; body: unknown },
      status: number,
      field?: string,
    ) => {
      assert.equal(res.status, status, JSON.stringify(res.body));
      if (field) {
        assert.ok(
          JSON.stringify(res.body).includes(field),
          `names ${field}: ${JSON.stringify(res.body)}`,
        );
      }
    };
    const url = `/api/v1/instances/${src.id}/template`;
    await refused(await call('POST', url, { name: 'x1', colour: 'red' }), 400, 'colour');
    await refused(await call('POST', url, { name: 'app2' }), 409, 'app2');
    await refused(await call('POST', url, { name: 'busybox' }), 400, 'name');
    await refused(await call('POST', url, { name: 'Bad Name!' }), 400, 'name');
    await start(src.id);
    await refused(await call('POST', url, { name: 'x2' }), 409, 'stop it');
    await stop(src.id);

    const random = Buffer.alloc(64 * 1024, 7);
    const notTar = await importFile('x3', random);
    const notTarBody = await notTar.text();
    assert.equal(notTar.status, 400, notTarBody);
    assert.match(notTarBody, /not a Berth container template export: it is not a tar file/);
    const otherTar = execFileSync('tar', ['-cf', '-', '-C', folder, 'app2/berth-ct-template.json']);
    const wrong = await importFile('x4', otherTar);
    const wrongBody = await wrong.text();
    assert.equal(wrong.status, 400, wrongBody);
    assert.match(wrongBody, /must hold berth-ct-template\.json and rootfs\.tar\.zst/);
    // A member that is a link would let the template read a host file.
    const linked = execFileSync('sh', [
      '-c',
      'd=$(mktemp -d) && ln -s /etc/shadow "$d/rootfs.tar.zst" && echo {} > "$d/berth-ct-template.json" && tar -cf - -C "$d" berth-ct-template.json rootfs.tar.zst && rm -r "$d"',
    ]);
    const link = await importFile('x6', linked);
    const linkBody = await link.text();
    assert.equal(link.status, 400, linkBody);
    assert.match(linkBody, /rootfs\.tar\.zst is not a plain file/);
    assert.equal((await importFile('app2', random)).status, 409);
    assert.equal((await importFile('x5', random, '&colour=red')).status, 400);
    assert.equal((await importFile('busybox', random)).status, 400);
    assert.equal((await call('DELETE', '/api/v1/templates/busybox')).status, 400);
    assert.equal((await call('DELETE', '/api/v1/templates/nothing')).status, 404);
    const fromNothing = await call('POST', '/api/v1/instances', {
      template: 'nothing',
      name: 'from-nothing',
      diskSizeMiB: 64,
    });
    await refused(fromNothing, 400, 'there is no container template nothing');
    const names = (await call<{ items: Instance[] }>('GET', '/api/v1/instances')).body.items;
    assert.ok(!names.some((i) => i.name === 'from-nothing'));
    assert.deepEqual(readdirSync(folder).sort(), before, 'nothing changed in the templates');
    assert.deepEqual(
      (await templates()).map((x) => x.name),
      ['app2'],
    );
  });
});
