import { expect, test } from '../helpers/test.js';
import { type APIRequestContext } from '@playwright/test';
import type { Instance } from '@berth/contracts';
import {
  adminApi,
  expectAccessible,
  keepScreenshot,
  login,
  openPalette,
  uniqueName,
} from '../helpers/session.js';
import { createInstance, ensureTemplate, removeInstance } from '../helpers/instances.js';

let api: APIRequestContext;
let box: Instance | undefined;

/**
 * The Updates page. Nothing is upgraded on this machine: the host's apply is the simulated one
 * (apt-get -s), which shows apt's plan in the task log and changes nothing.
 */
test.describe.serial('the Updates page: host packages, containers, template caches', () => {
  test.beforeAll(async ({ baseURL }) => {
    api = await adminApi(baseURL!);
    await ensureTemplate(api, 'debian-12');
    box = await createInstance(
      api,
      { template: 'busybox', name: uniqueName('e2eupd') },
      { start: true },
    );
  });
  test.afterAll(async () => {
    await removeInstance(api, box);
    await api.dispose();
  });

  test('the palette opens it; a host shows its version and packages, and a simulated apply shows apt’s log', async ({
    page,
  }, info) => {
    await login(page);
    await page.goto('/');
    const palette = await openPalette(page);
    await palette.getByRole('combobox', { name: 'Go to or run' }).fill('updates');
    await expect(palette.getByRole('option').first()).toContainText('Updates');
    await page.keyboard.press('Enter');
    await expect(page.getByRole('heading', { name: 'Updates', level: 1 })).toBeVisible();
    const host = page.getByRole('region', { name: /^Updates of / }).first();
    await expect(host.getByText('Berth', { exact: true })).toBeVisible();
    await expect(host.getByText(/^\d+ packages?/)).toBeVisible();
    await keepScreenshot(page, info, 'updates-page');
    await expectAccessible(page);

    const apply = host.getByRole('button', { name: 'Apply…' });
    test.skip(!(await apply.isEnabled()), 'nothing upgradable on this host');
    await apply.click();
    const ask = page.getByRole('dialog', { name: /^Upgrade / });
    await ask.getByRole('checkbox', { name: /Simulate only/ }).check();
    await ask.getByRole('button', { name: 'Simulate' }).click();
    const follow = host.getByRole('group', { name: /^Upgrade of / });
    await expect(follow.getByText('Done', { exact: true })).toBeVisible({ timeout: 120_000 });
    await expect(follow.getByRole('list', { name: 'Task log' })).toContainText('apt-get -s');
    await keepScreenshot(page, info, 'updates-simulated');
  });

  test('template caches show their age and the packages kept at build', async ({ page }, info) => {
    await login(page);
    await page.goto('/updates/');
    const caches = page.getByRole('region', { name: 'Template caches' });
    const debian = caches.getByRole('listitem').filter({ hasText: 'debian-12' }).first();
    await expect(debian).toContainText(/built .* ago/);
    await debian.getByText('Packages', { exact: true }).click();
    // A cache built before lists were kept says so; one built since lists its packages.
    await expect(debian.getByText(/^(No package list was kept|systemd \d)/)).toBeVisible();
    await keepScreenshot(page, info, 'updates-templates');
  });

  test('a busybox container says it has no apt', async ({ page }) => {
    await login(page);
    await page.goto('/updates/');
    const row = page
      .getByRole('region', { name: 'Packages inside containers' })
      .getByRole('listitem')
      .filter({ hasText: box!.name });
    await row.getByRole('button', { name: 'Check packages' }).click();
    await expect(row).toContainText('has no apt-get: package updates need a Debian container');
  });
});
