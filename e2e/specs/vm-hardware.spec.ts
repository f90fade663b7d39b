import { expect, test } from '../helpers/test.js';
import { type APIRequestContext } from '@playwright/test';
import type { Instance } from '@berth/contracts';
import { removeInstance } from '../helpers/instances.js';
import { createTinyVm, openInstanceTab } from '../helpers/vms.js';
import { adminApi, expectAccessible, keepScreenshot } from '../helpers/session.js';

/**
 * The Hardware tab's start settings on a running tiny VM: firmware, CPU model and boot order
 * saved from the form are listed under "Applies at next start" with their present values. Then
 * its disk compacted from the tab, and its Firewall tab.
 */
test.describe('VM hardware: start settings', () => {
  let api: APIRequestContext;
  let vm: Instance | undefined;

  test.beforeAll(async ({ baseURL }) => {
    api = await adminApi(baseURL!);
    vm = await createTinyVm(api, 'e2ehw', { start: true });
  });
  test.afterAll(async () => {
    await removeInstance(api, vm);
    await api.dispose();
  });

  test('changes saved while it runs are pending until the next start', async ({
    page,
  }, testInfo) => {
    await openInstanceTab(page, vm!, 'hardware');
    const form = page.getByRole('region', { name: 'Start settings' });
    await expect(form.getByLabel('Machine type')).toContainText('q35');
    await expect(form.getByText('Applies at next start')).toHaveCount(0);

    await form.getByLabel('Firmware').selectOption('uefi');
    await form.getByLabel('CPU model').selectOption('qemu64');
    await form.getByRole('button', { name: 'cdrom earlier' }).click();
    await form.getByRole('button', { name: 'Save for the next start' }).click();

    const pending = form.getByRole('status');
    await expect(pending).toContainText('Applies at next start');
    await expect(pending).toContainText('Firmware: bios now, uefi from the next start');
    await expect(pending).toContainText('CPU model: default now, qemu64 from the next start');
    await expect(pending).toContainText('Boot order: disk → cdrom now, cdrom → disk');
    await keepScreenshot(page, testInfo, 'hardware-start-settings');
    await expectAccessible(page);
  });

  test('its disk is compacted by the guest, and its Firewall tab covers its adapter', async ({
    page,
  }, testInfo) => {
    // The guest trims only once its agent answers; under TCG it boots in a few seconds more.
    await expect
      .poll(
        async () =>
          (
            await api.post(`/api/v1/instances/${vm!.id}/exec`, { data: { command: ['true'] } })
          ).status(),
        { timeout: 240_000, intervals: [1000] },
      )
      .toBe(200);
    await openInstanceTab(page, vm!, 'hardware');
    await page.getByRole('button', { name: 'Compact disk0.qcow2' }).click();
    await expect(page.getByText(/Compact disk/).first()).toBeVisible({ timeout: 60_000 });

    await page.goto(`/instances/view/?id=${vm!.id}&tab=firewall`);
    await expect(page.getByText(/DHCP always passes/)).toBeVisible();
    await expect(page.getByLabel('Inbound default')).toBeVisible();
    await keepScreenshot(page, testInfo, 'vm-firewall');
    await expectAccessible(page);
  });
});
