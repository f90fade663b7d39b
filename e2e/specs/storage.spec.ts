import { expect, test } from '../helpers/test.js';
import { type APIRequestContext } from '@playwright/test';
import type { Instance } from '@berth/contracts';
import { ok } from '../helpers/api.js';
import { createInstance, removeInstance } from '../helpers/instances.js';
import {
  adminApi,
  expectAccessible,
  keepScreenshot,
  login,
  uniqueName,
} from '../helpers/session.js';

/**
 * The Storage page (pools with their usage; create and delete a loop-backed btrfs pool) and the
 * Clone dialog making a linked clone of a container on such a pool.
 */
test.describe.serial('storage', () => {
  let api: APIRequestContext;
  const pagePool = uniqueName('e2epool');
  const clonePool = uniqueName('e2ecow');
  let ct: Instance | undefined;
  const cloneName = uniqueName('e2eclone');

  test.beforeAll(async ({ baseURL }) => {
    api = await adminApi(baseURL!);
  });
  test.afterAll(async () => {
    const list = await ok<{ items: Instance[] }>(api.get('/api/v1/instances'));
    await removeInstance(
      api,
      list.items.find((i) => i.name === cloneName),
    );
    await removeInstance(api, ct);
    for (const name of [pagePool, clonePool]) await api.delete(`/api/v1/pools/${name}`);
    await api.dispose();
  });

  test('the Storage page lists pools with their usage, creates one and deletes it', async ({
    page,
  }, testInfo) => {
    await login(page);
    await page.goto('/storage/');
    await expect(page.getByRole('heading', { name: 'Storage', level: 1 })).toBeVisible();
    const rows = page.getByRole('region', { name: 'Storage pools table' }).getByRole('row');
    const row = (name: string) => rows.filter({ hasText: name });
    await expect(row('default')).toContainText('dir');
    await expect(row('default')).toContainText(/of .* free/);

    // A bad size is refused in the form, before anything is sent.
    const form = page.getByRole('form', { name: 'New btrfs pool' });
    await form.getByLabel('Name').fill(pagePool);
    await form.getByLabel('Size (MiB)').fill('10');
    await form.getByRole('button', { name: 'Create pool' }).click();
    await expect(form.getByText('at least 256 MiB')).toBeVisible();

    await form.getByLabel('Size (MiB)').fill('512');
    await form.getByRole('button', { name: 'Create pool' }).click();
    await expect(row(pagePool)).toContainText('btrfs', { timeout: 60_000 });
    await expect(row(pagePool)).toContainText('snapshots, linked clones');
    await keepScreenshot(page, testInfo, 'storage-pools');
    await expectAccessible(page);

    await row(pagePool)
      .getByRole('button', { name: `Delete ${pagePool}` })
      .click();
    await page
      .getByRole('dialog', { name: `Delete pool ${pagePool}?` })
      .getByRole('button', { name: 'Delete' })
      .click();
    await expect(row(pagePool)).toHaveCount(0);
  });

  test('the Clone dialog makes a linked clone of a container on a btrfs pool', async ({
    page,
  }, testInfo) => {
    await ok(
      api.post('/api/v1/pools', { data: { name: clonePool, driver: 'btrfs', sizeMiB: 1024 } }),
    );
    ct = await createInstance(api, {
      template: 'busybox',
      name: uniqueName('e2esrc'),
      diskSizeMiB: 128,
      pool: clonePool,
    });
    await login(page);
    await page.goto(`/instances/view/?id=${ct.id}`);
    await page.getByRole('button', { name: 'More actions' }).click();
    await page.getByRole('menuitem', { name: 'Clone…' }).click();
    const dialog = page.getByRole('dialog', { name: `Clone ${ct.name}` });
    await expect(dialog.getByLabel('Linked')).toBeChecked();
    await dialog.getByLabel('Name').fill(cloneName);
    await keepScreenshot(page, testInfo, 'clone-dialog');
    await expectAccessible(page);
    await dialog.getByRole('button', { name: 'Clone' }).click();
    await expect(dialog).toHaveCount(0);
    await expect(
      page.getByRole('status').filter({ hasText: `${cloneName} is a clone of ${ct.name}` }),
    ).toBeVisible({ timeout: 60_000 });

    await page.goto('/storage/');
    const row = page
      .getByRole('region', { name: 'Storage pools table' })
      .getByRole('row')
      .filter({ hasText: clonePool });
    await expect(row.getByRole('cell').nth(4)).toHaveText('2');
  });
});
