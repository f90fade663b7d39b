import { expect, test } from '../helpers/test.js';
import { type APIRequestContext } from '@playwright/test';
import type { Instance } from '@berth/contracts';
import { createInstance, removeInstance } from '../helpers/instances.js';
import { createTinyVm, openInstanceTab } from '../helpers/vms.js';
import {
  adminApi,
  expectAccessible,
  keepScreenshot,
  login,
  openPalette,
  uniqueName,
} from '../helpers/session.js';

/**
 * The Snapshots tab on a stopped tiny VM (its disk-only snapshots need no boot): take, the tree
 * with "you are here", revert (a branch follows), delete, the palette's "Snapshot <name>", and
 * a container whose storage cannot snapshot showing why.
 */
test.describe('snapshots tab', () => {
  let api: APIRequestContext;
  let vm: Instance | undefined;
  let ct: Instance | undefined;

  test.beforeAll(async ({ baseURL }) => {
    api = await adminApi(baseURL!);
    vm = await createTinyVm(api, 'e2esnap');
    ct = await createInstance(api, { template: 'busybox', name: uniqueName('e2esnapct') });
  });
  test.afterAll(async () => {
    await removeInstance(api, vm);
    await removeInstance(api, ct);
    await api.dispose();
  });

  test('take, revert into a branch and delete snapshots of a stopped VM', async ({
    page,
  }, testInfo) => {
    await openInstanceTab(page, vm!, 'snapshots');
    await expect(page.getByRole('tab', { name: 'Snapshots' })).toHaveAttribute(
      'aria-selected',
      'true',
    );
    await expect(page.getByText('No snapshots yet')).toBeVisible();
    const rows = page.getByRole('region', { name: 'Snapshots' }).getByRole('row');
    const row = (name: string) => rows.filter({ hasText: name });
    const here = page.getByText('you are here');

    const take = async (name: string, description = '') => {
      await page.getByRole('button', { name: 'Take snapshot' }).click();
      const dialog = page.getByRole('dialog', { name: `Take a snapshot of ${vm!.name}` });
      await dialog.getByLabel('Name').fill(name);
      if (description) await dialog.getByLabel('Description').fill(description);
      // A stopped VM has no memory to save: the box says so and cannot be ticked.
      await expect(dialog.getByRole('checkbox')).toBeDisabled();
      await expect(dialog).toContainText('there is no memory to save');
      await dialog.getByRole('button', { name: 'Take snapshot' }).click();
      await expect(dialog).toHaveCount(0);
      await expect(row(name)).toBeVisible({ timeout: 60_000 });
      await expect(row(name)).toContainText('you are here');
    };

    // A bad name is refused in the dialog, before anything is sent.
    await page.getByRole('button', { name: 'Take snapshot' }).click();
    const dialog = page.getByRole('dialog', { name: `Take a snapshot of ${vm!.name}` });
    await dialog.getByLabel('Name').fill('not ok');
    await dialog.getByRole('button', { name: 'Take snapshot' }).click();
    await expect(dialog.getByText(/a snapshot name/)).toBeVisible();
    await keepScreenshot(page, testInfo, 'snapshot-take-bad-name');
    await dialog.getByRole('button', { name: 'Cancel' }).click();

    await take('first', 'a clean install');
    await take('second');
    await expect(here).toHaveCount(1);

    await row('first').getByRole('button', { name: 'Revert to first' }).click();
    const revert = page.getByRole('dialog', { name: `Revert ${vm!.name} to first?` });
    await expect(revert).toContainText('changes since are lost');
    await revert.getByRole('button', { name: 'Revert' }).click();
    await expect(row('first')).toContainText('you are here', { timeout: 60_000 });

    await take('branch', 'taken after going back to first');
    // The tree: second and branch both hang from first, indented under it.
    const names = await rows.locator('td:first-child').allInnerTexts();
    expect(names.map((n) => n.replace(/you are here|└/g, '').trim())).toEqual([
      'first',
      'second',
      'branch',
    ]);
    await keepScreenshot(page, testInfo, 'snapshots-tree');
    await expectAccessible(page);

    await row('second').getByRole('button', { name: 'Delete second' }).click();
    const del = page.getByRole('dialog', { name: 'Delete snapshot second?' });
    await del.getByRole('button', { name: 'Delete' }).click();
    await expect(row('second')).toHaveCount(0, { timeout: 60_000 });
    await expect(row('branch')).toContainText('you are here');

    // The Hardware tab: a disk added to the stopped VM is listed, then grown.
    await page.getByRole('tab', { name: 'Hardware' }).click();
    const disks = page.getByRole('region', { name: 'Disks' }).getByRole('row');
    await page.getByRole('button', { name: 'Add disk' }).click();
    const add = page.getByRole('dialog', { name: `Add a disk to ${vm!.name}` });
    await add.getByLabel('Size (MiB)').fill('64');
    await add.getByRole('button', { name: 'Add disk' }).click();
    await expect(disks.filter({ hasText: 'disk1.qcow2' })).toContainText('64', { timeout: 60_000 });
    await page.getByRole('button', { name: 'Grow disk1.qcow2' }).click();
    const grow = page.getByRole('dialog', { name: 'Grow disk1.qcow2' });
    await grow.getByLabel('Size (MiB)').fill('32');
    await grow.getByRole('button', { name: 'Grow' }).click();
    await expect(grow.getByText(/only grow/)).toBeVisible();
    await grow.getByLabel('Size (MiB)').fill('128');
    await grow.getByRole('button', { name: 'Grow' }).click();
    await expect(disks.filter({ hasText: 'disk1.qcow2' })).toContainText('128', {
      timeout: 60_000,
    });
    await keepScreenshot(page, testInfo, 'hardware-disks');
    await expectAccessible(page);

    // The palette's "Snapshot <name>" opens the take dialog on the Snapshots tab.
    await page.goto('/');
    await expect(page.getByRole('heading', { name: 'Dashboard' })).toBeVisible();
    const palette = await openPalette(page);
    await palette.getByRole('combobox', { name: 'Go to or run' }).fill(`snapshot ${vm!.name}`);
    await expect(palette.getByRole('option').first()).toContainText(`Snapshot ${vm!.name}`);
    await page.keyboard.press('Enter');
    await expect(
      page.getByRole('dialog', { name: `Take a snapshot of ${vm!.name}` }),
    ).toBeVisible();
  });

  test('a container whose storage cannot snapshot says why and offers nothing', async ({
    page,
  }, testInfo) => {
    await login(page);
    await page.goto(`/instances/view/?id=${ct!.id}&tab=snapshots`);
    const button = page.getByRole('button', { name: 'Take snapshot' });
    await expect(button).toBeDisabled();
    await expect(page.getByRole('note')).toContainText('Snapshots are not available');
    await keepScreenshot(page, testInfo, 'snapshots-unsupported');
    await expectAccessible(page);
  });
});
