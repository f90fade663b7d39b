import assert from 'node:assert/strict';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type {
  TaskAccepted as TaskReply,
  TemplatePackageChanges,
  TemplatePackages,
} from '@berth/contracts';
import type { Stack } from '../harness.js';

const SHARED = process.env.BERTH_TEST_TEMPLATE_DIR ?? '/var/cache/berth-test/templates';
// A template dir of this file's own: the rebuild must not replace the cache other tests share.
const dir = await mkdtemp(path.join(tmpdir(), 'berth-tplupd-'));
process.env.BERTH_TEST_TEMPLATE_DIR = dir;
const { startStack, waitTask } = await import('../harness.js');

/**
 * Refreshing a debian-12 template cache rebuilds it from deb.debian.org and reports what
 * changed against the package list kept with the cache it replaces. The old list here is
 * written by the test (two made-up entries), so the report has an upgrade, a removal and
 * additions whatever the archive holds today.
 */
describe('template caches: packages kept at build, a refresh reports what changed', () => {
  let stack: Stack;

  before(async () => {
    await copyFile(path.join(SHARED, 'debian-12.tar.zst'), path.join(dir, 'debian-12.tar.zst'));
    const meta = JSON.parse(await readFile(path.join(SHARED, 'debian-12.json'), 'utf8')) as object;
    await writeFile(
      path.join(dir, 'debian-12.json'),
      JSON.stringify({ ...meta, packages: { systemd: '0-old', 'gone-pkg': '1.0' } }),
    );
    stack = await startStack('tplupd');
  });
  after(async () => {
    await stack?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const packages = async () =>
    (await stack.call<TemplatePackages>('GET', '/api/v1/templates/debian-12/packages')).body;

  test('the cache’s package list is shown as kept', async () => {
    const p = await packages();
    assert.deepEqual(p.packages, [
      { name: 'gone-pkg', version: '1.0' },
      { name: 'systemd', version: '0-old' },
    ]);
  });

  test('a refresh rebuilds from the archive and its task result names what changed', async () => {
    const res = await stack.call<TaskReply>('POST', '/api/v1/templates/debian-12/build', {
      rebuild: true,
    });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    const done = await waitTask(stack, res.body.task.id);
    assert.equal(done.status, 'succeeded', JSON.stringify(done.error));
    const { changes } = done.result as { changes: TemplatePackageChanges };
    const systemd = changes.upgraded.find((u) => u.name === 'systemd');
    assert.equal(systemd?.from, '0-old');
    assert.match(systemd?.to ?? '', /^\d/);
    assert.deepEqual(changes.removed, [{ name: 'gone-pkg', version: '1.0' }]);
    assert.ok(changes.added.some((a) => a.name === 'apt'));

    const now = await packages();
    assert.ok(now.packages && now.packages.length > 50);
    assert.equal(now.packages.find((x) => x.name === 'systemd')?.version, systemd?.to);
    console.log(
      `# rebuilt: ${changes.upgraded.length} upgraded, ${changes.added.length} added, ${changes.removed.length} removed`,
    );
  });
});
