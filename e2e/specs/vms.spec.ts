import { expect, test } from '../helpers/test.js';
import { expectAccessible, keepScreenshot, login, uniqueName } from '../helpers/session.js';

test('create a VM from the tiny-linux template and see its screen', async ({ page }, testInfo) => {
  await login(page);
  await page.goto('/instances/new/?kind=vm');
  const name = uniqueName('e2evm');
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Memory (MiB)').fill('256');
  await keepScreenshot(page, testInfo, 'wizard-vm');
  await page.getByRole('button', { name: 'Create VM' }).click();
  await expect(page.getByRole('heading', { name })).toBeVisible({ timeout: 120_000 });
  await expect(page.locator('[data-state="running"]').first()).toBeVisible({ timeout: 120_000 });

  await page.getByRole('tab', { name: 'Console' }).click();
  const screen = page.getByRole('application', { name: `Screen of ${name}` }).locator('canvas');
  await expect(screen).toBeVisible({ timeout: 60_000 });
  // A real frame: noVNC sized its canvas to the VM's display.
  await expect
    .poll(() => screen.evaluate((c: HTMLCanvasElement) => c.width), { timeout: 30_000 })
    .toBeGreaterThanOrEqual(640);
  await keepScreenshot(page, testInfo, 'vm-console');
  await expectAccessible(page);

  await page
    .getByRole('toolbar', { name: 'Instance actions' })
    .getByRole('button', { name: 'More actions' })
    .click();
  await page.getByRole('menuitem', { name: 'Delete' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('checkbox').check();
  await dialog.getByRole('button', { name: 'Delete' }).click();
  await expect(page).toHaveURL(/\/instances\/$/);
  await expect(page.getByRole('row').filter({ hasText: name })).toHaveCount(0, { timeout: 60_000 });
});

test('tasks, templates, ISO and audit pages load and pass axe', async ({ page }, testInfo) => {
  await login(page);
  for (const [path, heading] of [
    ['/tasks/', /tasks/i],
    ['/templates/', /templates/i],
    ['/isos/', /iso/i],
    ['/audit/', /audit/i],
  ] as const) {
    await page.goto(path);
    await expect(page.getByRole('heading', { name: heading }).first()).toBeVisible();
    // The screenshot and the axe check are of the loaded list, not of its spinner.
    await expect(page.getByRole('status').filter({ hasText: 'Loading' })).toHaveCount(0);
    await keepScreenshot(page, testInfo, path.replace(/\//g, '') || 'root');
    await expectAccessible(page);
  }
});
