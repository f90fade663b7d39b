import { expect, test } from '../helpers/test.js';
import { type APIRequestContext } from '@playwright/test';
import type { Instance } from '@berth/contracts';
import {
  adminApi,
  expectAccessible,
  keepScreenshot,
  login,
  uniqueName,
} from '../helpers/session.js';
import { createInstance, removeInstance } from '../helpers/instances.js';

let api: APIRequestContext;
let ct: Instance;

test.describe.serial('privileged containers', () => {
  test.beforeAll(async ({ baseURL }) => {
    api = await adminApi(baseURL!);
    ct = await createInstance(api, {
      kind: 'ct',
      name: uniqueName('e2epriv'),
      template: 'busybox',
      privileged: true,
    });
  });

  test.afterAll(async () => {
    await removeInstance(api, ct);
    await api?.dispose();
  });

  test('the create form warns while "privileged" is ticked', async ({ page }, testInfo) => {
    await login(page);
    await page.goto('/instances/new/');
    const box = page.getByRole('checkbox', { name: 'Privileged container' });
    await expect(box).not.toBeChecked();
    await expect(page.getByText('Root in this container will be root on the host.')).toHaveCount(0);
    await box.check();
    await expect(page.getByRole('alert').filter({ hasText: 'privileged' })).toContainText(
      'Root in this container will be root on the host.',
    );
    await keepScreenshot(page, testInfo, 'create-privileged-warning');
    await expectAccessible(page);
  });

  test('a privileged container is flagged in the list and on its page, and can be converted', async ({
    page,
  }, testInfo) => {
    await login(page);
    await page.goto('/instances/');
    const row = page.locator(`[data-instance="${ct.name}"]`);
    await expect(row.getByText('Privileged', { exact: true })).toBeVisible();

    await page.goto(`/instances/view/?id=${ct.id}`);
    const panel = page.getByRole('region', { name: 'Privileged container' });
    await expect(panel).toContainText('root inside the container is root on the host');
    await keepScreenshot(page, testInfo, 'privileged-container-page');
    await expectAccessible(page);

    await panel.getByRole('button', { name: 'Make unprivileged' }).click();
    const dialog = page.getByRole('dialog');
    await expect(dialog).toContainText('a range of host ids of its own');
    await dialog.getByRole('button', { name: 'Make unprivileged' }).click();
    await expect(panel).toHaveCount(0);
    await expect(page.getByText('Privileged', { exact: true })).toHaveCount(0);
    const now = (await (await api.get(`/api/v1/instances/${ct.id}`)).json()) as Instance;
    expect(now.privileged).toBe(false);
  });
});
