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

test.describe.serial('processes and services inside a container', () => {
  test.beforeAll(async ({ baseURL }) => {
    api = await adminApi(baseURL!);
    ct = await createInstance(
      api,
      { kind: 'ct', name: uniqueName('e2eprocs'), template: 'debian-12' },
      { start: true },
    );
    const spawned = await api.post(`/api/v1/instances/${ct.id}/exec`, {
      data: { command: ['sh', '-c', 'sleep 4242 >/dev/null 2>&1 &'] },
    });
    expect(spawned.ok(), await spawned.text()).toBe(true);
  });

  test.afterAll(async () => {
    await removeInstance(api, ct);
    await api?.dispose();
  });

  test('the Processes tab lists, filters and sorts live, and KILL asks first', async ({
    page,
  }, testInfo) => {
    await login(page);
    await page.goto(`/instances/view/?id=${ct.id}&tab=processes`);
    const table = page.getByRole('table', { name: `Processes inside ${ct.name}` });
    const row = table.getByRole('row').filter({ hasText: 'sleep 4242' });
    await expect(row).toHaveCount(1);
    await expect(
      table
        .getByRole('row')
        .filter({ hasText: /systemd|init/ })
        .first(),
    ).toBeVisible();
    await keepScreenshot(page, testInfo, 'processes-tab');
    await expectAccessible(page);

    await page.getByRole('searchbox', { name: 'Filter processes' }).fill('4242');
    await expect(table.getByRole('row')).toHaveCount(2); // the header and the sleeper
    await page.getByRole('button', { name: /^PID/ }).click();
    await expect(page.getByRole('columnheader', { name: /^PID/ })).toHaveAttribute(
      'aria-sort',
      /ascending|descending/,
    );

    await row.getByRole('button', { name: /Send a signal to/ }).click();
    await page.getByRole('menuitem', { name: /KILL/ }).click();
    const dialog = page.getByRole('dialog');
    await expect(dialog).toContainText('sleep 4242');
    await dialog.getByRole('button', { name: 'Kill' }).click();
    await expect(row).toHaveCount(0);
  });

  test('the Services tab shows units with their boot setting and stops and starts one', async ({
    page,
  }, testInfo) => {
    await login(page);
    await page.goto(`/instances/view/?id=${ct.id}&tab=services`);
    const table = page.getByRole('table', { name: `Services inside ${ct.name}` });
    const getty = table.getByRole('row').filter({ hasText: 'console-getty.service' });
    await expect(getty).toContainText('active');
    await expect(table.getByRole('row').filter({ hasText: 'networking.service' })).toContainText(
      'enabled',
    );
    await keepScreenshot(page, testInfo, 'services-tab');
    await expectAccessible(page);

    await getty.getByRole('button', { name: 'Actions for console-getty.service' }).click();
    await page.getByRole('menuitem', { name: 'Stop', exact: true }).click();
    await expect(getty).toContainText('inactive');
    await getty.getByRole('button', { name: 'Actions for console-getty.service' }).click();
    await page.getByRole('menuitem', { name: 'Start', exact: true }).click();
    await expect(getty.getByText('active (running)')).toBeVisible();
  });
});
