import { expect, test } from '../helpers/test.js';
import { type APIRequestContext } from '@playwright/test';
import type { Instance } from '@berth/contracts';
import { createRunning, removeInstance } from '../helpers/instances.js';
import {
  adminApi,
  expectAccessible,
  keepScreenshot,
  login,
  uniqueName,
} from '../helpers/session.js';

/**
 * The Network classes page (a bad range refused beside the field, then local and world saved)
 * and a running container's Network tab showing its traffic per class. The classes are the
 * host's: they are emptied again afterwards.
 */
test.describe('network classes', () => {
  let api: APIRequestContext;
  let ct: Instance | undefined;

  test.beforeAll(async ({ baseURL }) => {
    api = await adminApi(baseURL!);
    ct = await createRunning(api, { template: 'busybox', name: uniqueName('e2ecls') });
  });
  test.afterAll(async () => {
    await api.put('/api/v1/network-classes', { data: { classes: [] } });
    await removeInstance(api, ct);
    await api.dispose();
  });

  test('classes saved on their page; the Network tab shows traffic by class', async ({
    page,
  }, testInfo) => {
    await login(page);
    await page.goto('/network-classes/');
    const text = page.getByLabel('Classes, in order');
    await text.fill('local: 10.0.0.0/33');
    await page.getByRole('button', { name: 'Save classes' }).click();
    await expect(page.getByText(/line 1 \(ranges\): an IPv4 address/)).toBeVisible();
    await text.fill('local: 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16\nworld: 0.0.0.0/0');
    await page.getByRole('button', { name: 'Save classes' }).click();
    await expect(page.getByText('Network classes saved')).toBeVisible();
    await keepScreenshot(page, testInfo, 'network-classes');
    await expectAccessible(page);
    const saved = (await (await api.get('/api/v1/network-classes')).json()) as {
      classes: { name: string }[];
    };
    expect(saved.classes.map((c) => c.name)).toEqual(['local', 'world']);

    await page.goto(`/instances/view/?id=${ct!.id}&tab=network`);
    const section = page.getByRole('region', { name: 'Traffic by class' });
    await expect(section.getByRole('row')).toHaveCount(4);
    await expect(section.getByRole('row').nth(1)).toContainText('local');
    await expect(section.getByRole('row').nth(3)).toContainText('other');
    await section.getByRole('button', { name: '1h' }).click();
    await expect(section).toContainText('In (1h)');
    await expect(section.getByRole('row').nth(1)).toContainText(/local.*B/);
    await keepScreenshot(page, testInfo, 'traffic-by-class');
    await expectAccessible(page);
  });
});
