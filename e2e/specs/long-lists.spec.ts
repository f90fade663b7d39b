import { expect, test } from '../helpers/test.js';
import type { APIRequestContext } from '@playwright/test';
import type { Instance } from '@berth/contracts';
import { adminApi, keepScreenshot, login, uniqueName } from '../helpers/session.js';
import { createInstance, removeInstance } from '../helpers/instances.js';

// Two more than the instances list and the tree draw before they are scrolled (DRAWN_FIRST).
const COUNT = 22;
let api: APIRequestContext;
let prefix: string;
const made: Instance[] = [];

test.describe.serial('long lists draw a screen first and the rest when scrolled', () => {
  test.beforeAll(async ({ baseURL }) => {
    test.setTimeout(300_000);
    api = await adminApi(baseURL!);
    prefix = uniqueName('e2elong');
    // Stopped busybox containers, four at a time: the set-up, not what is tested.
    for (let i = 0; i < COUNT; i += 4) {
      const batch = Array.from({ length: Math.min(4, COUNT - i) }, (_, j) =>
        createInstance(api, {
          template: 'busybox',
          name: `${prefix}-${String(i + j).padStart(2, '0')}`,
          diskSizeMiB: 32,
        }),
      );
      made.push(...(await Promise.all(batch)));
    }
  });

  test.afterAll(async () => {
    for (const i of made) await removeInstance(api, i);
    await api.dispose();
  });

  // Short enough that the first 20 rows (and the 20 names in the tree) fill more than a screen,
  // so their end is out of sight until scrolled to.
  test.use({ viewport: { width: 1280, height: 560 } });

  test('the instances list draws 20 rows, and the rest when its end is scrolled near', async ({
    page,
  }, testInfo) => {
    await login(page);
    await page.goto(`/instances/?q=${prefix}`);
    const rows = page.getByRole('row').filter({ hasText: prefix });
    await expect(rows).toHaveCount(20);
    const showing = page.getByText(`Showing 20 of ${COUNT}`);
    await expect(showing).toBeVisible();
    await keepScreenshot(page, testInfo, 'list-first-screen');
    await showing.scrollIntoViewIfNeeded();
    await expect(rows).toHaveCount(COUNT);
    // All drawn: nothing is left to show more of.
    await expect(page.getByText(/Showing \d+ of/)).toHaveCount(0);
    await expect(rows.last()).toContainText(`${prefix}-${COUNT - 1}`);
  });

  test('the tree draws 20 names of a group, and the rest when scrolled to its end', async ({
    page,
  }) => {
    await login(page);
    const tree = page.getByRole('navigation', { name: 'Resources' });
    await page.getByRole('searchbox', { name: 'Filter instances' }).fill(prefix);
    const links = tree.getByRole('link').filter({ hasText: prefix });
    await expect(links).toHaveCount(20);
    await links.last().scrollIntoViewIfNeeded();
    await expect(links).toHaveCount(COUNT);
  });
});
