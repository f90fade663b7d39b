import { readFile } from 'node:fs/promises';
import { expect, test } from '../helpers/test.js';
import { type APIRequestContext } from '@playwright/test';
import type { Instance, TaskAccepted, TaskDetail, TaskFailed, Template } from '@berth/contracts';
import {
  adminApi,
  expectAccessible,
  keepScreenshot,
  login,
  uniqueName,
} from '../helpers/session.js';
import { ok } from '../helpers/api.js';
import { ensureTemplate, removeInstance } from '../helpers/instances.js';

let api: APIRequestContext;
const made: Instance[] = [];

test.describe.serial('the task view: its log, the failing command, the download', () => {
  test.beforeAll(async ({ baseURL }) => {
    api = await adminApi(baseURL!);
  });
  test.afterAll(async () => {
    for (const i of made) await removeInstance(api, i);
    await api.dispose();
  });

  test('a create’s log lists its steps and commands with their exits', async ({ page }, info) => {
    const created = await ok<TaskAccepted>(
      api.post('/api/v1/instances?sync=true', {
        data: { template: 'busybox', name: uniqueName('e2elog') },
      }),
    );
    made.push(created.task.result as Instance);
    await login(page);
    await page.goto(`/tasks/view/?id=${created.task.id}`);
    const log = page.getByRole('list', { name: 'Task log' });
    await expect(log.getByText('ct.create.image')).toBeVisible();
    const mkfs = log.getByRole('listitem').filter({ hasText: '$ mkfs.ext4' });
    await expect(mkfs).toContainText(/exit 0 · \d+ ms/);
    await expect(page.getByRole('region', { name: 'Failing command' })).toHaveCount(0);
    await expectAccessible(page);
    await keepScreenshot(page, info, 'task-log');
  });

  test('a failed create shows the failing command and its stderr at the top, and downloads its log', async ({
    page,
  }, info) => {
    // 1,024 inodes cannot hold debian-12: tar fails on the real disk.
    const res = await api.post('/api/v1/instances?sync=true', {
      data: {
        template: 'debian-12',
        name: uniqueName('e2elogf'),
        limits: { disk: { inodes: 1024 } },
      },
    });
    expect(res.ok()).toBe(false);
    const { task } = (await res.json()) as TaskFailed;
    await login(page);
    await page.goto(`/tasks/view/?id=${task.id}`);
    const failing = page.getByRole('region', { name: 'Failing command' });
    await expect(failing).toContainText('$ tar');
    await expect(failing).toContainText('No space left on device');
    const failedRows = page.getByRole('list', { name: 'Task log' }).locator('li[data-failed]');
    await expect(failedRows.filter({ hasText: '$ tar' })).toBeVisible();
    await keepScreenshot(page, info, 'task-log-failed');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`task-${task.id}.log`);
    const text = await readFile((await download.path())!, 'utf8');
    expect(text).toContain('status: failed');
    expect(text).toMatch(/\$ tar .*\(exit \d+, \d+ ms\)/);
    expect(text).toContain('No space left on device');
  });

  test('a debian-12 template rebuild is cancelled from the tasks list: asked first, then rolled back', async ({
    page,
  }, info) => {
    const cached = async () =>
      (await ok<{ items: Template[] }>(api.get('/api/v1/templates'))).items.find(
        (x) => x.name === 'debian-12',
      );
    await ensureTemplate(api, 'debian-12');
    const before = await cached();
    expect(before?.cached).toBe(true);
    await login(page);
    // The list is open before the build starts: the event stream brings the task in.
    await page.goto('/tasks/');
    await expect(page.getByRole('heading', { name: 'Tasks' })).toBeVisible();
    const { task } = await ok<TaskAccepted>(
      api.post('/api/v1/templates/debian-12/build', { data: { rebuild: true } }),
    );
    const row = page.locator(`li[data-task-id="${task.id}"]`);
    await row.getByRole('button', { name: 'Cancel', exact: true }).click();
    const ask = page.getByRole('dialog', { name: /^Cancel “/ });
    await expect(ask).toContainText('what it has done so far is undone');
    await keepScreenshot(page, info, 'task-cancel-confirm');
    await ask.getByRole('button', { name: 'Stop and roll back' }).click();
    await expect(row).toContainText('cancelled; what it had done was rolled back');
    const ended = await ok<TaskDetail>(api.get(`/api/v1/tasks/${task.id}`));
    expect(ended.error?.code).toBe('cancelled');
    // The old cache stays, and debootstrap took its mounts with it.
    const after = await cached();
    expect(after?.builtAt).toBe(before?.builtAt);
    expect(after?.building).toBe(false);
    expect(await readFile('/proc/mounts', 'utf8')).not.toContain('.build-debian-12');

    await page.goto(`/tasks/view/?id=${task.id}`);
    const log = page.getByRole('list', { name: 'Task log' });
    await expect(log.getByText('cancel requested')).toBeVisible();
    await expect(log.locator('li[data-failed]').filter({ hasText: '$ debootstrap' })).toBeVisible();
    await keepScreenshot(page, info, 'task-cancelled');
  });
});
