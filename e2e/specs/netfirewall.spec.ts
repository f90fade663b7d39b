import { expect, test } from '../helpers/test.js';
import { type APIRequestContext } from '@playwright/test';
import type { FirewallSet, NetworkFirewall } from '@berth/contracts';
import {
  adminApi,
  expectAccessible,
  keepScreenshot,
  login,
  uniqueName,
} from '../helpers/session.js';

let api: APIRequestContext;
const setName = uniqueName('e2e-set');

test.describe.serial('address sets and a network firewall', () => {
  test.beforeAll(async ({ baseURL }) => {
    api = await adminApi(baseURL!);
  });

  test.afterAll(async () => {
    // The network's rules first: a set its rules name cannot go.
    await api?.put('/api/v1/networks/default/firewall', { data: { rules: [] } });
    await api?.delete(`/api/v1/firewall/sets/${setName}`);
    await api?.dispose();
  });

  test('make a set on the Address sets page, name it in a rule of the default network, and the set cannot go while used', async ({
    page,
  }, testInfo) => {
    await login(page);
    await page.goto('/firewall-sets/');
    await expect(page.getByRole('heading', { name: 'Address sets' })).toBeVisible();
    const form = page.getByRole('form', { name: 'New address set' });
    await form.getByRole('textbox', { name: 'Name' }).fill('Bad Name');
    await form.getByRole('button', { name: 'Create set' }).click();
    await expect(form.getByText(/a set name/)).toBeVisible();
    await form.getByRole('textbox', { name: 'Name' }).fill(setName);
    await form.getByRole('textbox', { name: 'Comment' }).fill('documentation addresses');
    await form.getByRole('textbox', { name: 'Addresses' }).fill('192.0.2.1\n198.51.100.0/24');
    await form.getByRole('button', { name: 'Create set' }).click();
    await expect(page.getByText(`Address set ${setName} created`)).toBeVisible();
    const table = page.getByRole('table', { name: 'Address sets' });
    const row = table.getByRole('row').filter({ hasText: `@${setName}` });
    await expect(row).toContainText('198.51.100.0/24');

    await row.getByRole('button', { name: `Edit ${setName}` }).click();
    const edit = page.getByRole('form', { name: `Edit @${setName}` });
    await edit.getByRole('textbox', { name: 'Addresses' }).fill('192.0.2.1\n192.0.2.9');
    await edit.getByRole('button', { name: 'Save set' }).click();
    await expect(page.getByText(`Address set ${setName} saved`)).toBeVisible();
    await expect(row).toContainText('192.0.2.9');
    await keepScreenshot(page, testInfo, 'address-sets');
    await expectAccessible(page);

    await page.goto('/networks/view/?name=default');
    const section = page.getByRole('region', { name: 'Firewall' });
    await expect(section.getByText(/before/)).toBeVisible();
    await section.getByRole('button', { name: 'Add rule' }).click();
    await section.getByRole('combobox', { name: 'Rule 1 protocol' }).selectOption('icmp');
    await section.getByRole('combobox', { name: 'Rule 1 source' }).fill(`@${setName}`);
    await section.getByRole('button', { name: 'Save firewall' }).click();
    await expect(page.getByText('Firewall of default applied')).toBeVisible();
    await expect(
      section.getByRole('table', { name: 'Firewall rules of network default' }).getByRole('row'),
    ).toHaveCount(2);
    await keepScreenshot(page, testInfo, 'network-firewall');
    await expectAccessible(page);
    const fw = (await (
      await api.get('/api/v1/networks/default/firewall')
    ).json()) as NetworkFirewall;
    expect(fw.rules.map((r) => [r.direction, r.action, r.protocol, r.source])).toEqual([
      ['in', 'drop', 'icmp', `@${setName}`],
    ]);

    await page.goto('/firewall-sets/');
    const used = page
      .getByRole('table', { name: 'Address sets' })
      .getByRole('row')
      .filter({
        hasText: `@${setName}`,
      });
    await expect(used.getByRole('link', { name: 'network default' })).toBeVisible();
    await expect(used.getByRole('button', { name: `Delete ${setName}` })).toBeDisabled();
    const set = (await (await api.get(`/api/v1/firewall/sets/${setName}`)).json()) as FirewallSet;
    expect(set.usedBy.networks).toEqual(['default']);
  });
});
