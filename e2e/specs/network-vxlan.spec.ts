import { expect, test } from '../helpers/test.js';
import { type APIRequestContext } from '@playwright/test';
import {
  adminApi,
  expectAccessible,
  keepScreenshot,
  login,
  uniqueName,
} from '../helpers/session.js';

/**
 * A network's VXLAN overlay in the web UI: made from the New network form (the agent's MTU
 * refusal shown beside the MTU), shown in the network page's header, its peers changed and the
 * overlay removed from the page's settings. The peers are documentation addresses: nothing
 * answers, which the overlay does not need in order to exist.
 */
test.describe.serial('network VXLAN overlay', () => {
  let api: APIRequestContext;
  // bn-<name> must fit 15 characters: the bridge is named after the network.
  const net = uniqueName('e2evx');
  const subnet = `10.218.${20 + Math.floor(Math.random() * 200)}`;
  const vni = String(200_000 + Math.floor(Math.random() * 1_000_000));

  test.beforeAll(async ({ baseURL }) => {
    api = await adminApi(baseURL!);
  });
  test.afterAll(async () => {
    await api.delete(`/api/v1/networks/${net}`);
    await api.dispose();
  });

  test('the New network form makes a network with an overlay', async ({ page }, testInfo) => {
    await login(page);
    await page.goto('/networks/');
    const form = page.getByRole('form', { name: 'New network' });
    await form.getByLabel('Name').fill(net);
    await form.getByLabel('Gateway address').fill(`${subnet}.1/24`);
    await form.getByLabel('VNI').fill('0');
    await form.getByLabel('Peers').fill('198.51.100.10, 198.51.100.11');
    await form.getByRole('button', { name: 'Create network' }).click();
    await expect(form.getByText('Too small: expected number to be >=1')).toBeVisible();
    await form.getByLabel('VNI').fill(vni);
    await form.getByRole('button', { name: 'Create network' }).click();
    // The agent measures the uplink: 1500 leaves no room for the encapsulation.
    await expect(form.getByText(/the network's MTU can be at most \d+/)).toBeVisible();
    const most = /at most (\d+)/.exec(
      (await form.getByText(/the network's MTU can be at most/).textContent()) ?? '',
    )?.[1];
    await form.getByLabel('MTU').fill(most!);
    await keepScreenshot(page, testInfo, 'network-vxlan-form');
    await form.getByRole('button', { name: 'Create network' }).click();
    const row = page
      .getByRole('region', { name: 'Networks table' })
      .getByRole('row')
      .filter({ hasText: net });
    await expect(row).toContainText(`${subnet}.1/24`, { timeout: 30_000 });
    await expectAccessible(page);
  });

  test("the network's page shows the overlay, changes its peers and removes it", async ({
    page,
  }, testInfo) => {
    await login(page);
    await page.goto(`/networks/view/?name=${net}`);
    const header = page.getByText(`VXLAN ${vni} to 198.51.100.10, 198.51.100.11`);
    await expect(header).toBeVisible();
    const settings = page.getByRole('form', { name: 'Settings' });
    await expect(settings.getByLabel('VNI')).toHaveValue(vni);
    await keepScreenshot(page, testInfo, 'network-vxlan-view');
    await expectAccessible(page);

    await settings.getByLabel('Peers').fill('198.51.100.12');
    await settings.getByRole('button', { name: 'Save' }).click();
    await expect(page.getByText(`VXLAN ${vni} to 198.51.100.12`)).toBeVisible();
    const shown = await (await api.get(`/api/v1/networks/${net}`)).json();
    expect(shown.vxlan).toMatchObject({ id: Number(vni), remotes: ['198.51.100.12'], up: true });

    await settings.getByLabel('VNI').fill('');
    await settings.getByRole('button', { name: 'Save' }).click();
    await expect(page.getByText(/VXLAN \d+ to/)).toHaveCount(0);
    expect((await (await api.get(`/api/v1/networks/${net}`)).json()).vxlan).toBeNull();
  });
});
