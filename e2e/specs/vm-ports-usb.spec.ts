import { expect, test } from '../helpers/test.js';
import { type APIRequestContext } from '@playwright/test';
import type { Instance } from '@berth/contracts';
import { removeInstance } from '../helpers/instances.js';
import { createTinyVm, openInstanceTab } from '../helpers/vms.js';
import { adminApi, expectAccessible, keepScreenshot } from '../helpers/session.js';

/**
 * The Hardware tab's ports and USB sections on a running tiny VM: a serial port to a file added
 * while it runs waits for the next start (badge), a port removed after a confirmation, a USB
 * keyboard plugged in at once.
 */
test.describe('VM hardware: ports and USB devices', () => {
  let api: APIRequestContext;
  let vm: Instance | undefined;

  test.beforeAll(async ({ baseURL }) => {
    api = await adminApi(baseURL!);
    vm = await createTinyVm(api, 'e2eports', { start: true });
  });
  test.afterAll(async () => {
    await removeInstance(api, vm);
    await api.dispose();
  });

  test('ports wait for the next start; a USB keyboard is plugged in at once', async ({
    page,
  }, testInfo) => {
    await openInstanceTab(page, vm!, 'hardware');
    const ports = page.getByRole('region', { name: 'Serial and parallel ports' });
    await expect(ports.getByText('serial console (browser)')).toBeVisible();

    await ports.getByLabel('New port').selectOption({ index: 0 });
    await ports.getByRole('button', { name: 'Add port' }).click();
    await expect(ports.getByRole('row', { name: /serial1/ })).toContainText('added: at next start');
    await ports.getByLabel('New port').selectOption({ index: 2 });
    await ports.getByRole('button', { name: 'Add port' }).click();
    await expect(ports.getByRole('row', { name: /parallel0/ })).toBeVisible();
    await ports.getByRole('button', { name: 'Remove parallel0' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Remove' }).click();
    await expect(ports.getByRole('row', { name: /parallel0/ })).toHaveCount(0);

    const usb = page.getByRole('region', { name: 'USB devices' });
    await expect(usb.getByRole('row', { name: /tablet/ })).toContainText('plugged in');
    await usb.getByRole('button', { name: 'Add keyboard' }).click();
    await expect(usb.getByRole('row', { name: /usb2/ })).toContainText('Keyboard');
    await expect(usb.getByRole('row', { name: /usb2/ })).toContainText('plugged in');
    await expect(usb.getByRole('row', { name: /usb2/ })).not.toContainText('next start');
    await keepScreenshot(page, testInfo, 'hardware-ports-usb');
    await expectAccessible(page);
  });
});
