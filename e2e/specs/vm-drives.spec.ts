import { expect, test } from '../helpers/test.js';
import { type APIRequestContext } from '@playwright/test';
import type { Instance } from '@berth/contracts';
import { removeInstance } from '../helpers/instances.js';
import { createTinyVm, openInstanceTab } from '../helpers/vms.js';
import { adminApi, expectAccessible, keepScreenshot } from '../helpers/session.js';

/**
 * The Hardware tab's disk buses, cache modes and CD/DVD drives on a running tiny VM: a bus
 * change and a new drive wait for the next start and say so; an ISO goes into a drive live;
 * removing a drive asks first.
 */
test.describe('VM hardware: disk buses and CD/DVD drives', () => {
  let api: APIRequestContext;
  let vm: Instance | undefined;

  test.beforeAll(async ({ baseURL }) => {
    api = await adminApi(baseURL!);
    vm = await createTinyVm(api, 'e2edrv', {
      moreDisks: [{ sizeMiB: 32, bus: 'scsi', cache: 'writethrough' }],
      start: true,
    });
  });
  test.afterAll(async () => {
    await removeInstance(api, vm);
    await api.dispose();
  });

  test('bus and cache per disk, drives added, filled, removed', async ({ page }, testInfo) => {
    await openInstanceTab(page, vm!, 'hardware');
    await expect(page.getByLabel('Bus of disk1.qcow2')).toHaveValue('scsi');
    await expect(page.getByLabel('Cache mode of disk1.qcow2')).toHaveValue('writethrough');

    // Adding a disk to the running VM offers virtio alone: the other buses take no hot-plug.
    await page.getByRole('button', { name: 'Add disk' }).click();
    const dialog = page.getByRole('dialog');
    await expect(dialog.getByLabel('Bus')).toHaveValue('virtio');
    await expect(dialog.locator('option[value="scsi"]')).toBeDisabled();
    await expect(dialog.getByLabel('Cache mode')).toHaveValue('writeback');
    await dialog.getByRole('button', { name: 'Cancel' }).click();

    await page.getByLabel('Bus of disk1.qcow2').selectOption('sata');
    await expect(page.getByText('scsi until the next start')).toBeVisible({ timeout: 30_000 });

    const drives = page.getByRole('region', { name: 'CD/DVD drives' });
    await page.getByRole('button', { name: 'Add drive' }).click();
    await expect(drives.getByText('Drive 1')).toBeVisible({ timeout: 30_000 });
    await expect(drives.getByText('added: at next start')).toBeVisible();

    await page.getByLabel('ISO in drive 0').selectOption('tiny-linux.iso');
    await expect(page.getByText('tiny-linux.iso in drive 0')).toBeVisible();
    await expect(page.getByText('The guest has it now.')).toBeVisible();
    await keepScreenshot(page, testInfo, 'hardware-drives');
    await expectAccessible(page);

    await page.getByRole('button', { name: 'Remove drive 1' }).click();
    const confirm = page.getByRole('dialog', { name: 'Remove drive 1?' });
    await expect(confirm).toContainText('keeps the drive until its next start');
    await confirm.getByRole('button', { name: 'Remove' }).click();
    await expect(drives.getByText('Drive 1')).toHaveCount(0, { timeout: 30_000 });
  });
});
