import { expect, test } from '../helpers/test.js';
import { type APIRequestContext } from '@playwright/test';
import type { Instance, InstanceNics } from '@berth/contracts';
import { removeInstance } from '../helpers/instances.js';
import { createTinyVm, openInstanceTab } from '../helpers/vms.js';
import { adminApi, expectAccessible, keepScreenshot } from '../helpers/session.js';

/**
 * The Network tab of a stopped tiny VM: a NIC added from its dialog, its link pulled with the
 * toggle, and removed after the confirmation. The Hardware tab links there.
 */
test.describe('VM NICs on the Network tab', () => {
  let api: APIRequestContext;
  let vm: Instance | undefined;

  test.beforeAll(async ({ baseURL }) => {
    api = await adminApi(baseURL!);
    vm = await createTinyVm(api, 'e2enic');
  });
  test.afterAll(async () => {
    await removeInstance(api, vm);
    await api.dispose();
  });

  test('add a NIC, pull its cable, remove it', async ({ page }, testInfo) => {
    const nics = async () =>
      ((await (await api.get(`/api/v1/instances/${vm!.id}/nics`)).json()) as InstanceNics).nics;
    await openInstanceTab(page, vm!, 'hardware');
    await page.getByRole('link', { name: 'Network tab' }).click();
    await expect(page).toHaveURL(/tab=network/);
    await page.getByRole('button', { name: 'Add NIC' }).click();
    const dialog = page.getByRole('dialog');
    await expect(dialog).toContainText('The VM has it from its next start.');
    await dialog.getByRole('button', { name: 'Add NIC' }).click();
    await expect(dialog).toHaveCount(0);
    const table = page.getByRole('region', { name: 'Network adapters' });
    await expect(table.getByRole('row')).toHaveCount(3);

    const toggle = table.getByRole('switch', { name: 'Link of net1' });
    await expect(toggle).toHaveAttribute('aria-checked', 'true');
    await toggle.click();
    await expect(toggle).toHaveAttribute('aria-checked', 'false');
    expect((await nics()).find((n) => n.nic === 1)?.link).toBe('down');
    await keepScreenshot(page, testInfo, 'vm-nics');
    await expectAccessible(page);

    await table.getByRole('button', { name: 'Remove net1' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Remove NIC' }).click();
    await expect(table.getByRole('row')).toHaveCount(2);
    expect((await nics()).map((n) => n.nic)).toEqual([0]);
  });
});
