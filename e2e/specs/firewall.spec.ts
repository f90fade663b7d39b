import { expect, test } from '../helpers/test.js';
import { type APIRequestContext } from '@playwright/test';
import type { Firewall, Instance } from '@berth/contracts';
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

test.describe.serial("a container's Firewall tab", () => {
  test.beforeAll(async ({ baseURL }) => {
    api = await adminApi(baseURL!);
    ct = await createInstance(
      api,
      { kind: 'ct', name: uniqueName('e2efw'), template: 'busybox' },
      { start: true },
    );
  });

  test.afterAll(async () => {
    await removeInstance(api, ct);
    await api?.dispose();
  });

  test('add, reorder and delete rules, save them, and confirm before dropping all inbound', async ({
    page,
  }, testInfo) => {
    await login(page);
    await page.goto(`/instances/view/?id=${ct.id}&tab=firewall`);
    await expect(page.getByRole('checkbox', { name: 'Spoofing protection' })).toBeChecked();
    const table = page.getByRole('table', { name: `Firewall rules of ${ct.name}` });

    await page.getByRole('button', { name: 'Add rule' }).click();
    await page.getByRole('combobox', { name: 'Rule 1 protocol' }).selectOption('tcp');
    await page.getByRole('textbox', { name: 'Rule 1 ports' }).fill('22, 8000-8080');
    await page.getByRole('button', { name: 'Add rule' }).click();
    await page.getByRole('combobox', { name: 'Rule 2 protocol' }).selectOption('icmp');
    await page.getByRole('combobox', { name: 'Rule 2 action' }).selectOption('accept');
    // An IPv6 source: a bad prefix is named beside the field and holds the save back.
    // A datalist of the address sets makes the field a combobox.
    const source = page.getByRole('combobox', { name: 'Rule 2 source' });
    await source.fill('fd00:1::/129');
    await expect(source).toHaveAccessibleDescription(/IPv6 one such as fd00:1::\/64/);
    await expect(page.getByRole('button', { name: 'Save' })).toBeDisabled();
    await source.fill('fd00:1::/64');
    await expect(source).not.toHaveAttribute('aria-invalid');
    await page.getByRole('button', { name: 'Move rule 2 up' }).click();
    await expect(page.getByRole('combobox', { name: 'Rule 1 protocol' })).toHaveValue('icmp');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(page.getByText('Firewall applied')).toBeVisible();
    await expect(table.getByRole('row')).toHaveCount(3);
    await keepScreenshot(page, testInfo, 'firewall-tab');
    await expectAccessible(page);

    let fw = (await (await api.get(`/api/v1/instances/${ct.id}/firewall`)).json()) as Firewall;
    expect(fw.rules.map((r) => [r.protocol, r.action, r.ports, r.source])).toEqual([
      ['icmp', 'accept', [], 'fd00:1::/64'],
      ['tcp', 'drop', ['22', '8000-8080'], undefined],
    ]);

    await page.getByRole('button', { name: 'Delete rule 1' }).click();
    await page.getByRole('combobox', { name: 'Inbound default' }).selectOption('drop');
    await page.getByRole('button', { name: 'Save' }).click();
    const dialog = page.getByRole('dialog', { name: 'Drop all inbound traffic?' });
    await expect(dialog).toBeVisible();
    await dialog.getByRole('button', { name: 'Save' }).click();
    await expect(dialog).toBeHidden();
    fw = (await (await api.get(`/api/v1/instances/${ct.id}/firewall`)).json()) as Firewall;
    expect([fw.policy.in, fw.rules.length]).toEqual(['drop', 1]);
  });

  test('the Network tab lists the adapter; an address outside its network is refused, and says why', async ({
    page,
  }, testInfo) => {
    await login(page);
    await page.goto(`/instances/view/?id=${ct.id}&tab=network`);
    const table = page.getByRole('table', { name: `Network adapters of ${ct.name}` });
    await expect(table.getByRole('row').nth(1)).toContainText(ct.nics[0]!.ipv4!);
    await expect(table.getByRole('link', { name: ct.nics[0]!.network })).toBeVisible();
    await keepScreenshot(page, testInfo, 'network-tab');
    await expectAccessible(page);
    await table.getByRole('button', { name: 'Edit eth0' }).click();
    const dialog = page.getByRole('dialog', { name: `Edit eth0 of ${ct.name}` });
    await dialog.getByRole('textbox', { name: /Address/ }).fill('192.0.2.3/24');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await expect(dialog.getByText(/is not a host address in network/)).toBeVisible();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    const now = (await (await api.get(`/api/v1/instances/${ct.id}`)).json()) as Instance;
    expect(now.nics).toEqual(ct.nics);
  });
});
