import { expect, test } from '../helpers/test.js';
import { type APIRequestContext } from '@playwright/test';
import type { Instance } from '@berth/contracts';
import { createInstance, removeInstance } from '../helpers/instances.js';
import {
  adminApi,
  expectAccessible,
  keepScreenshot,
  login,
  uniqueName,
} from '../helpers/session.js';

/**
 * Container templates in the UI: "Make template…" in a stopped container's More menu (the
 * container stays), then on the Templates page Export (a download), delete, and Import of the
 * downloaded file under another name, with its progress.
 */
test.describe.serial('container templates', () => {
  let api: APIRequestContext;
  let ct: Instance | undefined;
  const made = uniqueName('e2etpl');
  const imported = uniqueName('e2eimp');

  test.beforeAll(async ({ baseURL }) => {
    api = await adminApi(baseURL!);
  });
  test.afterAll(async () => {
    await removeInstance(api, ct);
    for (const name of [made, imported]) await api.delete(`/api/v1/templates/${name}`);
    await api.dispose();
  });

  test('make a template from a container, export it, import it again', async ({
    page,
  }, testInfo) => {
    ct = await createInstance(api, {
      template: 'busybox',
      name: uniqueName('e2esrc'),
      diskSizeMiB: 64,
    });
    await login(page);
    await page.goto(`/instances/view/?id=${ct.id}`);
    const actions = page.getByRole('toolbar', { name: 'Instance actions' });
    await actions.getByRole('button', { name: 'More actions' }).click();
    await page.getByRole('menuitem', { name: 'Make template…' }).click();
    const dialog = page.getByRole('dialog', { name: `Make a template from ${ct.name}?` });
    await expect(dialog.getByText('The container stays as it is.')).toBeVisible();
    await dialog.getByLabel('Template name').fill('busybox');
    await dialog.getByRole('button', { name: 'Make template' }).click();
    await expect(dialog.getByLabel('Template name')).toHaveAttribute('aria-invalid', 'true');
    await dialog.getByLabel('Template name').fill(made);
    await dialog.getByLabel('Description').fill('busybox, configured');
    await keepScreenshot(page, testInfo, 'make-template-dialog');
    await expectAccessible(page);
    await dialog.getByRole('button', { name: 'Make template' }).click();

    await expect(page).toHaveURL(/\/templates\/?$/);
    const card = page.getByRole('listitem', { name: made });
    await expect(card.getByText('busybox, configured')).toBeVisible({ timeout: 60_000 });
    expect((await api.get(`/api/v1/instances/${ct.id}`)).status(), 'the container stays').toBe(200);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      card.getByRole('link', { name: `Export ${made}` }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`${made}.berth-template.tar`);
    const file = testInfo.outputPath(download.suggestedFilename());
    await download.saveAs(file);

    await card.getByRole('button', { name: `Delete ${made}` }).click();
    const confirm = page.getByRole('dialog', { name: `Delete template ${made}?` });
    await expect(confirm.getByText('each is a full copy')).toBeVisible();
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await expect(card).toHaveCount(0);

    const form = page.getByRole('form', { name: 'Import a container template' });
    await form.getByLabel('File').setInputFiles(file);
    await expect(form.getByLabel('Template name')).toHaveValue(made);
    await form.getByLabel('Template name').fill(imported);
    await form.getByRole('button', { name: 'Import' }).click();
    const again = page.getByRole('listitem', { name: imported });
    await expect(again.getByText('busybox, configured')).toBeVisible({ timeout: 60_000 });
    await expect(again.getByRole('link', { name: `Export ${imported}` })).toBeVisible();
    await keepScreenshot(page, testInfo, 'templates-page');
    await expectAccessible(page);
  });
});
