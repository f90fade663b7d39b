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
 * Container maintenance from the instance's More menu (rename, disable/enable, reinstall with
 * the name typed to confirm) and the create wizard's pool picker.
 */
test.describe.serial('container maintenance', () => {
  let api: APIRequestContext;
  let ct: Instance | undefined;
  const renamed = uniqueName('e2erenamed');
  const pool = uniqueName('e2epool');
  const pooled = uniqueName('e2epooled');

  test.beforeAll(async ({ baseURL }) => {
    api = await adminApi(baseURL!);
  });
  test.afterAll(async () => {
    const list = await ok<{ items: Instance[] }>(api.get('/api/v1/instances'));
    await removeInstance(api, ct);
    await removeInstance(
      api,
      list.items.find((i) => i.name === pooled),
    );
    await api.delete(`/api/v1/pools/${pool}`);
    await api.dispose();
  });

  test('rename, disable and enable, and reinstall from the More menu', async ({
    page,
  }, testInfo) => {
    ct = await createInstance(api, {
      template: 'busybox',
      name: uniqueName('e2emaint'),
      diskSizeMiB: 64,
    });
    await login(page);
    await page.goto(`/instances/view/?id=${ct.id}`);
    const actions = page.getByRole('toolbar', { name: 'Instance actions' });
    const more = async (item: string) => {
      await actions.getByRole('button', { name: 'More actions' }).click();
      await page.getByRole('menuitem', { name: item }).click();
    };

    // Rename: a bad hostname is refused in the form, then the new name heads the page.
    await more('Rename…');
    const rename = page.getByRole('dialog', { name: `Rename ${ct.name}` });
    await rename.getByLabel('Name', { exact: true }).fill(renamed);
    await rename.getByLabel('Hostname').fill('bad_host');
    await rename.getByRole('button', { name: 'Rename' }).click();
    await expect(rename.getByLabel('Hostname')).toHaveAttribute('aria-invalid', 'true');
    await rename.getByLabel('Hostname').fill(renamed);
    await keepScreenshot(page, testInfo, 'rename-dialog');
    await expectAccessible(page);
    await rename.getByRole('button', { name: 'Rename' }).click();
    await expect(page.getByRole('heading', { name: renamed, level: 1 })).toBeVisible();

    // Disable: a badge, and Start is disabled with the reason; Enable lifts both.
    await more('Disable…');
    await page
      .getByRole('dialog', { name: `Disable ${renamed}?` })
      .getByRole('button', { name: 'Disable' })
      .click();
    await expect(page.locator('[data-disabled]').first()).toBeVisible();
    const start = actions.getByRole('button', { name: 'Start' });
    await expect(start).toBeDisabled();
    await expect(start).toHaveAttribute('title', /disabled; enable it first/);
    await keepScreenshot(page, testInfo, 'disabled');
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Instances', exact: true })
      .click();
    await expect(
      page.getByRole('row').filter({ hasText: renamed }).locator('[data-disabled]'),
    ).toBeVisible();
    await page.goto(`/instances/view/?id=${ct.id}`);
    await more('Enable');
    await page
      .getByRole('dialog', { name: `Enable ${renamed}?` })
      .getByRole('button', { name: 'Enable' })
      .click();
    await expect(page.locator('[data-disabled]')).toHaveCount(0);
    await expect(start).toBeEnabled();

    // Reinstall: the button waits for the name to be typed.
    await more('Reinstall…');
    const reinstall = page.getByRole('dialog', { name: `Reinstall ${renamed}?` });
    await expect(reinstall.getByLabel('/root')).toBeChecked();
    const go = reinstall.getByRole('button', { name: 'Reinstall' });
    await expect(go).toBeDisabled();
    await reinstall.getByLabel(`Type ${renamed} to confirm`).fill(renamed);
    await keepScreenshot(page, testInfo, 'reinstall-dialog');
    await expectAccessible(page);
    await go.click();
    await expect(reinstall).toHaveCount(0);
    await expect(
      page.getByRole('status').filter({ hasText: `${renamed} was reinstalled` }),
    ).toBeVisible({ timeout: 60_000 });
  });

  test('the create wizard puts a container in the pool picked, and its page says so', async ({
    page,
  }, testInfo) => {
    await ok(api.post('/api/v1/pools', { data: { name: pool, driver: 'btrfs', sizeMiB: 512 } }));
    await login(page);
    await page.goto('/instances/new/?kind=ct');
    await page.getByLabel('Name', { exact: true }).fill(pooled);
    await page.getByLabel('Template').selectOption('busybox');
    await page.getByLabel('Disk size (MiB)').fill('64');
    const picker = page.getByLabel('Storage pool');
    await expect(picker.locator('option', { hasText: /^default/ }).first()).toHaveText(
      /default \(default\)/,
    );
    await picker.selectOption(pool);
    await keepScreenshot(page, testInfo, 'wizard-pool');
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Create container' }).click();
    await expect(page.getByRole('heading', { name: pooled, level: 1 })).toBeVisible({
      timeout: 60_000,
    });
    const summary = page.locator('dt', { hasText: 'Storage pool' }).locator('xpath=..');
    await expect(summary).toContainText(pool);
  });

  test('a stopped VM made a template from the More menu; the Templates page lists and deletes it', async ({
    page,
  }, testInfo) => {
    const vm = await createInstance(api, {
      kind: 'vm',
      name: uniqueName('e2etplvm'),
      memoryMiB: 256,
      disks: [{ template: 'tiny-linux' }],
    });
    const template = uniqueName('e2etpl');
    await login(page);
    await page.goto(`/instances/view/?id=${vm.id}`);
    await page
      .getByRole('toolbar', { name: 'Instance actions' })
      .getByRole('button', { name: 'More actions' })
      .click();
    await page.getByRole('menuitem', { name: 'Make template…' }).click();
    const dialog = page.getByRole('dialog', { name: `Make ${vm.name} a template?` });
    await dialog.getByLabel('Template name').fill('tiny-linux');
    await dialog.getByRole('button', { name: 'Make template' }).click();
    await expect(dialog.getByLabel('Template name')).toHaveAttribute('aria-invalid', 'true');
    await dialog.getByLabel('Template name').fill(template);
    await keepScreenshot(page, testInfo, 'template-dialog');
    await expectAccessible(page);
    await dialog.getByRole('button', { name: 'Make template' }).click();
    await expect(page).toHaveURL(/\/templates\/$/, { timeout: 120_000 });
    const card = page.getByRole('list', { name: 'Templates' }).getByRole('listitem', {
      name: template,
    });
    await expect(card).toContainText(`made from VM ${vm.name}`);
    await keepScreenshot(page, testInfo, 'templates-custom');
    await card.getByRole('button', { name: `Delete ${template}` }).click();
    await page
      .getByRole('dialog', { name: `Delete template ${template}?` })
      .getByRole('button', { name: 'Delete' })
      .click();
    await expect(card).toHaveCount(0);
  });
});
