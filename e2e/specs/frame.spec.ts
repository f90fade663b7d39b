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
import { createInstance, removeInstance } from '../helpers/instances.js';

let api: APIRequestContext;
let ct: Instance;

const stateOf = async (id: string) =>
  ((await (await api.get(`/api/v1/instances/${id}`)).json()) as Instance).state;

test.describe.serial('the frame: resource tree, command palette, shortcuts, dashboard', () => {
  test.beforeAll(async ({ baseURL }) => {
    api = await adminApi(baseURL!);
    ct = await createInstance(api, {
      kind: 'ct',
      name: uniqueName('e2eframe'),
      template: 'busybox',
    });
  });

  test.afterAll(async () => {
    await removeInstance(api, ct);
    await api?.dispose();
  });

  test('the tree leads to an instance; the palette starts it by typing and stops it after asking', async ({
    page,
  }, testInfo) => {
    await login(page);
    const tree = page.getByRole('navigation', { name: 'Resources' });
    const filter = page.getByRole('searchbox', { name: 'Filter instances' });

    // Filter as you type: a word that matches nothing hides it, its name brings it back.
    await filter.fill('no-such-instance-anywhere');
    // A link's name is its state, name and CT ID ("stopped e2eframe-x 101").
    const link = tree.getByRole('link').filter({ hasText: ct.name });
    await expect(link).toHaveCount(0);
    await filter.fill(ct.name);
    await link.click();
    await expect(page.getByRole('heading', { name: ct.name })).toBeVisible();
    const selected = link;
    await expect(selected).toHaveAttribute('aria-current', 'page');
    await expect(selected.getByRole('img', { name: 'stopped' })).toBeVisible();
    await keepScreenshot(page, testInfo, 'tree-instance-selected');

    const palette = await openPalette(page);
    await palette.getByRole('combobox', { name: 'Go to or run' }).fill(`start ${ct.name}`);
    const first = palette.getByRole('option').first();
    await expect(first).toContainText(`Start ${ct.name}`);
    await expect(first).toHaveAttribute('aria-selected', 'true');
    await keepScreenshot(page, testInfo, 'palette-start');
    await expectAccessible(page);
    await page.keyboard.press('Enter');
    await expect(palette).toHaveCount(0);
    await expect.poll(() => stateOf(ct.id), { timeout: 60_000 }).toBe('running');
    // The tree follows the event stream: its icon turns running with no reload.
    await expect(selected.getByRole('img', { name: 'running' })).toBeVisible();

    // Stop asks first, as its button does.
    await openPalette(page);
    await palette.getByRole('combobox', { name: 'Go to or run' }).fill(`stop ${ct.name}`);
    await expect(palette.getByRole('option').first()).toContainText(`Stop ${ct.name}`);
    await page.keyboard.press('Enter');
    const confirm = page.getByRole('dialog', { name: `Stop ${ct.name}?` });
    await expect(confirm).toBeVisible();
    await confirm.getByRole('button', { name: 'Stop' }).click();
    await expect.poll(() => stateOf(ct.id), { timeout: 60_000 }).toBe('stopped');
  });

  test('shortcuts go to pages and list themselves; the dashboard is accessible at 1280 and 390, light and dark', async ({
    page,
  }, testInfo) => {
    await login(page);
    await page.goto('/');
    await expect(page.getByRole('heading', { name: 'Dashboard' })).toBeVisible();
    await page.keyboard.press('g');
    await page.keyboard.press('t');
    await expect(page).toHaveURL(/\/tasks\/$/);
    await page.keyboard.press('?');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await expect(help).toContainText('Go to Instances');
    await keepScreenshot(page, testInfo, 'shortcuts-help');
    await page.keyboard.press('Escape');
    await expect(help).toHaveCount(0);
    await page.keyboard.press('g');
    await page.keyboard.press('d');
    await expect(page).toHaveURL(/\/$/);

    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.setViewportSize({ width: 1280, height: 800 });
      await page.goto('/');
      await expect(page.getByRole('heading', { name: 'Needs attention' })).toBeVisible();
      await expect(page.getByRole('region', { name: 'Instances by state' })).toBeVisible();
      await keepScreenshot(page, testInfo, `dashboard-1280-${scheme}`);
      await expectAccessible(page);

      await page.setViewportSize({ width: 390, height: 844 });
      await expect(page.getByRole('navigation', { name: 'Resources' })).toBeHidden();
      await keepScreenshot(page, testInfo, `dashboard-390-${scheme}`);
      await expectAccessible(page);
      await page.getByRole('button', { name: 'Open navigation' }).click();
      const drawer = page.getByRole('dialog', { name: 'Navigation' });
      await expect(drawer.getByRole('navigation', { name: 'Resources' })).toBeVisible();
      await keepScreenshot(page, testInfo, `drawer-390-${scheme}`);
      await expectAccessible(page);
      // A page chosen in the drawer closes it.
      await drawer.getByRole('link', { name: 'Tasks' }).click();
      await expect(page).toHaveURL(/\/tasks\/$/);
      await expect(drawer).toHaveCount(0);
    }
  });
});
