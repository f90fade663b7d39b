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

test.describe.serial('resource limits on the instance page', () => {
  test.beforeAll(async ({ baseURL }) => {
    api = await adminApi(baseURL!);
    ct = await createInstance(
      api,
      {
        kind: 'ct',
        name: uniqueName('e2elim'),
        template: 'busybox',
        limits: { memory: { limitMiB: 64 }, cpu: { cap: 50 } },
      },
      { start: true },
    );
  });

  test.afterAll(async () => {
    await removeInstance(api, ct);
    await api?.dispose();
  });

  test('the Limits tab shows what is in force beside the configured values, and changes them live', async ({
    page,
  }, testInfo) => {
    await login(page);
    await page.goto(`/instances/view/?id=${ct.id}&tab=limits`);
    await expect(page.getByLabel('Memory (MiB)')).toHaveValue('64');
    await expect(page.getByTestId('effective-memory.limitMiB')).toHaveText('64');
    await expect(page.getByTestId('effective-cpu.cap')).toHaveText('50');

    await page.getByLabel('CPU cap (%)').fill('0');
    await page.getByRole('button', { name: 'Save limits' }).click();
    await expect(page.getByText(/between 1 and/)).toBeVisible();

    await page.getByLabel('CPU cap (%)').fill('25');
    await page.getByLabel('Processes').fill('40');
    await page.getByRole('button', { name: 'Save limits' }).click();
    await expect(page.getByTestId('effective-processes')).toHaveText('40');
    await expect(page.getByTestId('effective-cpu.cap')).toHaveText('25');
    await keepScreenshot(page, testInfo, 'instance-limits');
    await expectAccessible(page);
  });
});
