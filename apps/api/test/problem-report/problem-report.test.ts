import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Host, Instance, Task } from '@berth/contracts';
import { ADMIN_PASSWORD, startStack, type Stack } from '../harness.js';

// A secret by its name, as an operator's environment would hold one.
const ENV_SECRET = `env-${randomBytes(12).toString('hex')}`;
process.env.BERTH_TEST_REPORT_SECRET = ENV_SECRET;

async function filesUnder(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const file = path.join(e.parentPath, e.name);
    out.set(path.relative(dir, file), await readFile(file, 'utf8'));
  }
  return out;
}

describe('problem report: a tar.gz of versions, facts, diagnostics, task logs and configs, with no secret', () => {
  let stack: Stack;
  let ct: Instance;
  let host: Host;
  let work: string;

  before(async () => {
    stack = await startStack('prb');
    work = await mkdtemp(path.join(tmpdir(), 'berth-prb-'));
    host = (await stack.call<{ items: Host[] }>('GET', '/api/v1/hosts')).body.items[0]!;
    // Secrets planted where a careless report would copy them: an instance's description.
    const res = await stack.call<{ task: Task }>('POST', '/api/v1/instances?sync=true', {
      template: 'busybox',
      name: `prb-${process.pid}`,
      description: `token ${stack.token} password=${ADMIN_PASSWORD} env ${ENV_SECRET}`,
    });
    assert.equal(res.body.task.status, 'succeeded', JSON.stringify(res.body.task.error));
    ct = res.body.task.result as Instance;
  });
  after(async () => {
    await stack?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  test('holds what support needs and none of the secrets in the database or the environment', async () => {
    const res = await fetch(`${stack.baseUrl}/api/v1/hosts/${host.id}/problem-report`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ instanceIds: [ct.id] }),
    });
    assert.equal(res.status, 200, await res.clone().text());
    assert.equal(res.headers.get('content-type'), 'application/gzip');
    assert.match(res.headers.get('content-disposition') ?? '', /berth-problem-report-.*\.tar\.gz/);
    const archive = path.join(work, 'report.tar.gz');
    await writeFile(archive, Buffer.from(await res.arrayBuffer()));
    const out = path.join(work, 'x');
    execFileSync('mkdir', ['-p', out]);
    execFileSync('tar', ['-xzf', archive, '-C', out]);
    const files = await filesUnder(out);

    const versions = JSON.parse(files.get('versions.json')!);
    assert.equal(versions.agent, host.facts?.agentVersion);
    assert.ok(versions.api && versions.node, JSON.stringify(versions));
    assert.equal(JSON.parse(files.get('host-facts.json')!).hostname, host.facts?.hostname);
    assert.match(files.get('diagnostics/lxc-checkconfig.txt')!, /^\$ lxc-checkconfig/);
    assert.match(files.get('diagnostics/ip-addr.txt')!, /bt-prb/);
    assert.match(files.get('diagnostics/nft-nat.txt')!, /table ip berth_bt_prb/);
    assert.ok(files.has('diagnostics/journal.txt'));
    assert.equal(JSON.parse(files.get(`instances/${ct.id}.json`)!).name, ct.name);
    const createLog = [...files].find(([name]) => /^tasks\/.*instance\.create/.test(name));
    assert.ok(createLog, [...files.keys()].join(', '));

    const [hosts, users, tokens, sessions] = await Promise.all([
      stack.db.host.findMany(),
      stack.db.user.findMany(),
      stack.db.apiToken.findMany(),
      stack.db.session.findMany(),
    ]);
    const secrets = [
      stack.token,
      ADMIN_PASSWORD,
      ENV_SECRET,
      ...hosts.map((h) => h.agentToken),
      ...users.map((u) => u.passwordHash),
      ...tokens.map((t) => t.tokenHash),
      ...sessions.map((s) => s.tokenHash),
    ];
    assert.ok(secrets.length >= 6);
    for (const [name, text] of files)
      for (const s of secrets) assert.ok(!text.includes(s), `${name} holds a secret`);
    assert.match(files.get(`instances/${ct.id}.json`)!, /\[redacted\]/);
  });

  test('bad input is a 4xx naming the field', async () => {
    const url = `/api/v1/hosts/${host.id}/problem-report`;
    const notUuid = await stack.call<{ error: { message: string } }>('POST', url, {
      instanceIds: ['nope'],
    });
    assert.equal(notUuid.status, 400);
    assert.match(JSON.stringify(notUuid.body), /instanceIds/);
    const extra = await stack.call('POST', url, { instanceIds: [], bogus: 1 });
    assert.equal(extra.status, 400);
    const unknownHost = await stack.call('POST', '/api/v1/hosts/nope/problem-report', {});
    assert.equal(unknownHost.status, 404);
  });
});
