import { expect, test } from '../helpers/test.js';
import { expectAccessible, keepScreenshot, login, uniqueName } from '../helpers/session.js';

test('create a container in the wizard, see it run live, stop it, delete it', async ({
  page,
}, testInfo) => {
  await login(page);
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Instances', exact: true })
    .click();
  await page.getByRole('link', { name: 'New container' }).first().click();
  await expect(page.getByRole('form', { name: 'New container' })).toBeVisible();
  const name = uniqueName('e2e');
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Template').selectOption('busybox');
  await page.getByLabel('Root password').fill('e2e-password-1');
  await keepScreenshot(page, testInfo, 'wizard');
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Create container' }).click();

  // The wizard lands on the instance page; "start after creating" turns it running with no reload.
  await expect(page.getByRole('heading', { name })).toBeVisible({ timeout: 60_000 });
  await expect(page.locator('[data-state="running"]').first()).toBeVisible({ timeout: 60_000 });
  await keepScreenshot(page, testInfo, 'instance-page');
  await expectAccessible(page);

  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Instances', exact: true })
    .click();
  const row = page.getByRole('row').filter({ hasText: name });
  await expect(row.locator('[data-state="running"]')).toBeVisible();
  await keepScreenshot(page, testInfo, 'instances-list');
  await expectAccessible(page);

  await row.getByRole('link', { name }).click();
  const actions = page.getByRole('toolbar', { name: 'Instance actions' });
  await actions.getByRole('button', { name: 'Stop' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Stop' }).click();
  await expect(page.locator('[data-state="stopped"]').first()).toBeVisible({ timeout: 60_000 });

  await actions.getByRole('button', { name: 'More actions' }).click();
  await page.getByRole('menuitem', { name: 'Delete' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
  await expect(page).toHaveURL(/\/instances\/$/);
  await expect(page.getByRole('row').filter({ hasText: name })).toHaveCount(0, { timeout: 30_000 });
});

test('invalid fields show their errors next to the field, from the client and from the API', async ({
  page,
}) => {
  await login(page);
  await page.goto('/instances/new/?kind=ct');
  const nameField = page.getByLabel('Name', { exact: true });
  await nameField.fill('not a name!');
  await page.getByRole('button', { name: 'Create container' }).click();
  await expect(nameField).toHaveAttribute('aria-invalid', 'true');
  const nameError = page.locator(`[id="${await nameField.getAttribute('aria-describedby')}"]`);
  await expect(nameError).toContainText(/starting with a letter or digit/);

  // Valid for the schema, refused by the agent: the API's message lands beside the IPv4 field.
  await nameField.fill(uniqueName('e2e'));
  const ipField = page.getByLabel('IPv4 address');
  await ipField.fill('192.0.2.10/24');
  await page.getByRole('button', { name: 'Create container' }).click();
  await expect(ipField).toHaveAttribute('aria-invalid', 'true');
  const ipError = page.locator(`[id="${await ipField.getAttribute('aria-describedby')}"]`);
  await expect(ipError).toContainText(/not a host address in network default/);
});
