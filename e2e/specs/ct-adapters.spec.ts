import { expect, test } from '../helpers/test.js';
import { type APIRequestContext } from '@playwright/test';
import type { Instance, InstanceNics } from '@berth/contracts';
import { createInstance, removeInstance } from '../helpers/instances.js';
import {
  adminApi,
  expectAccessible,
  keepScreenshot,
  login,
  uniqueName,
} from '../helpers/session.js';

/**
 * The Network tab of a stopped busybox container: a second adapter added on another network from
 * the dialog (listed as eth1, bridged, with its address), then removed after the confirmation.
 */
test.describe('container adapters on the Network tab', () => {
  let api: APIRequestContext;
  let ct: Instance | undefined;
  // bn-<name> must fit 15 characters: the bridge is named after the network.
  const net = uniqueName('e2ead');
  const subnet = `10.219.${20 + Math.floor(Math.random() * 200)}`;

  test.beforeAll(async ({ baseURL }) => {
    api = await adminApi(baseURL!);
    const made = await api.post('/api/v1/networks', {
      data: { name: net, ipv4: `${subnet}.1/24` },
    });
    expect(made.ok(), await made.text()).toBe(true);
    ct = await createInstance(api, { template: 'busybox', name: uniqueName('e2ead') });
  });
  test.afterAll(async () => {
    await removeInstance(api, ct);
    await api.delete(`/api/v1/networks/${net}`);
    await api.dispose();
  });

  test('add an adapter on another network, remove it', async ({ page }, testInfo) => {
    const nics = async () =>
      ((await (await api.get(`/api/v1/instances/${ct!.id}/nics`)).json()) as InstanceNics).nics;
    await login(page);
    await page.goto(`/instances/view/?id=${ct!.id}&tab=network`);
    const table = page.getByRole('region', { name: 'Network adapters' });
    await expect(table.getByRole('button', { name: 'Remove eth0' })).toBeDisabled();
    await page.getByRole('button', { name: 'Add adapter' }).click();
    const dialog = page.getByRole('dialog');
    await expect(dialog).toContainText('the container has it from its next start');
    await dialog.getByLabel('Network').selectOption(net);
    await dialog.getByLabel('Address (address/prefix)').fill(`${subnet}.7/24`);
    await dialog.getByRole('button', { name: 'Add adapter' }).click();
    await expect(dialog).toHaveCount(0);
    await expect(table.getByRole('row')).toHaveCount(3);
    await expect(table.getByRole('row').nth(2)).toContainText('eth1');
    await expect(table.getByRole('row').nth(2)).toContainText('bridged');
    await expect(table.getByRole('row').nth(2)).toContainText(`${subnet}.7/24`);
    await keepScreenshot(page, testInfo, 'ct-adapters');
    await expectAccessible(page);

    await table.getByRole('button', { name: 'Remove eth1' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Remove adapter' }).click();
    await expect(table.getByRole('row')).toHaveCount(2);
    expect((await nics()).map((n) => n.nic)).toEqual([0]);
  });

  test('edit an adapter’s MAC and the gateway and DNS: a bad value is named beside its field', async ({
    page,
  }, testInfo) => {
    await login(page);
    await page.goto(`/instances/view/?id=${ct!.id}&tab=network`);
    const table = page.getByRole('region', { name: 'Network adapters' });
    await table.getByRole('button', { name: 'Edit eth0' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('MAC').fill('01:00:5e:00:00:01');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await expect(dialog.getByText(/locally administered MAC in lower case/)).toBeVisible();
    await dialog.getByLabel('MAC').fill('02:e2:e0:00:00:01');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await expect(dialog).toHaveCount(0);
    await expect(table.getByRole('row').nth(1)).toContainText('02:e2:e0:00:00:01');

    await page.getByRole('button', { name: 'Gateway and DNS' }).click();
    await dialog.getByLabel('DNS servers').fill('10.0.3.1, 1.1.1.1');
    await dialog.getByLabel('Search domain').fill('Not A Domain');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await expect(dialog.getByText(/a DNS domain/)).toBeVisible();
    await keepScreenshot(page, testInfo, 'ct-adapter-settings-error');
    await dialog.getByLabel('Search domain').fill('lab.internal');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await expect(dialog).toHaveCount(0);
    const line = page.getByRole('region', { name: 'Gateway and DNS' });
    await expect(line).toContainText('10.0.3.1, 1.1.1.1');
    await expect(line).toContainText('lab.internal');
    await keepScreenshot(page, testInfo, 'ct-adapter-settings');
    await expectAccessible(page);
  });
});
