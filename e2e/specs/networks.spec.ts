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
 * The Networks page: create a network from its form, a container on it (made through the API)
 * shown on the network's page with its address, the delete refused while it is used, the
 * wizard's network choice, then the delete confirmed. Host adapters are listed.
 */
test.describe.serial('networks', () => {
  let api: APIRequestContext;
  // bn-<name> must fit 15 characters: the bridge is named after the network.
  const net = uniqueName('e2en');
  const subnet = `10.219.${20 + Math.floor(Math.random() * 200)}`;
  let ct: Instance | undefined;

  test.beforeAll(async ({ baseURL }) => {
    api = await adminApi(baseURL!);
  });
  test.afterAll(async () => {
    await removeInstance(api, ct);
    await api.delete(`/api/v1/networks/${net}`);
    await api.dispose();
  });

  test('the Networks page creates a network and lists the host adapters', async ({
    page,
  }, testInfo) => {
    await login(page);
    await page.goto('/networks/');
    await expect(page.getByRole('heading', { name: 'Networks', level: 1 })).toBeVisible();
    const rows = page.getByRole('region', { name: 'Networks table' }).getByRole('row');
    await expect(rows.filter({ hasText: 'default' })).toBeVisible();

    const form = page.getByRole('form', { name: 'New network' });
    await form.getByLabel('Name').fill(net);
    await form.getByLabel('Gateway address').fill('10.219.0.1');
    await form.getByRole('button', { name: 'Create network' }).click();
    await expect(form.getByText('must look like 10.0.3.5/24')).toBeVisible();
    await form.getByLabel('Gateway address').fill(`${subnet}.1/24`);
    await form.getByRole('button', { name: 'Create network' }).click();
    const row = rows.filter({ hasText: net });
    await expect(row).toContainText(`${subnet}.1/24`, { timeout: 30_000 });
    await expect(row).toContainText('on');

    const adapters = page.getByRole('region', { name: 'Host adapters table' });
    await expect(adapters.getByRole('row').filter({ hasText: 'loopback' })).toBeVisible();
    await expect(adapters.getByRole('row').filter({ hasText: `bn-${net}` })).toContainText(
      'bridge',
    );
    await keepScreenshot(page, testInfo, 'networks');
    await expectAccessible(page);
  });

  test("a container on it: the network's page shows its address, the delete is refused", async ({
    page,
  }, testInfo) => {
    ct = await createInstance(api, {
      template: 'busybox',
      name: uniqueName('e2enetct'),
      network: net,
    });
    await login(page);
    await page.goto('/networks/');
    const row = page
      .getByRole('region', { name: 'Networks table' })
      .getByRole('row')
      .filter({ hasText: net });
    await expect(row.getByRole('button', { name: `Delete ${net}` })).toBeDisabled();

    await row.getByRole('link', { name: net, exact: true }).click();
    await expect(page.getByRole('heading', { name: `Network ${net}` })).toBeVisible();
    const members = page.getByRole('region', { name: `Instances on ${net} table` });
    await expect(members.getByRole('row').filter({ hasText: ct.name })).toContainText(
      new RegExp(`${subnet.replace(/\./g, '\\.')}\\.\\d+/24`),
    );
    await keepScreenshot(page, testInfo, 'network-view');
    await expectAccessible(page);

    // The agent says the same: a delete while in use is a 409 naming the container.
    const refused = await api.delete(`/api/v1/networks/${net}`);
    expect(refused.status()).toBe(409);
    expect(await refused.text()).toContain(ct.name);
  });

  test('the create wizard offers the network; once empty it is deleted after confirming', async ({
    page,
  }, testInfo) => {
    await login(page);
    await page.goto('/instances/new/');
    const select = page.getByLabel('Network', { exact: true });
    await expect(select.locator('option', { hasText: net })).toHaveCount(1);
    await select.selectOption(net);
    await keepScreenshot(page, testInfo, 'wizard-network');

    await removeInstance(api, ct);
    ct = undefined;
    await page.goto('/networks/');
    const row = page
      .getByRole('region', { name: 'Networks table' })
      .getByRole('row')
      .filter({ hasText: net });
    await row.getByRole('button', { name: `Delete ${net}` }).click();
    await page
      .getByRole('dialog', { name: `Delete network ${net}?` })
      .getByRole('button', { name: 'Delete' })
      .click();
    await expect(row).toHaveCount(0);
  });
});
