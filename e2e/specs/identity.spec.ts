import { expect, test } from '../helpers/test.js';
import { type Page } from '@playwright/test';
import { base32Decode, hotp, stepAt } from '../../apps/api/src/modules/auth/totp.js';
import { expectAccessible, keepScreenshot, login, uniqueName } from '../helpers/session.js';

const PASSWORD = 'auditor-password-1';

async function loginAs(page: Page, username: string, password: string): Promise<void> {
  await page.goto('/login/');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: /log in/i }).click();
}

test('an admin makes an auditor, who sets up TOTP, logs in with a code and makes a token', async ({
  page,
  browser,
}, testInfo) => {
  const name = uniqueName('aud');
  await login(page);
  await page.getByRole('link', { name: 'Users' }).first().click();
  await expect(page.getByRole('heading', { name: 'Users' })).toBeVisible();
  await page.getByRole('button', { name: 'New user' }).click();
  const dialog = page.getByRole('dialog', { name: 'New user' });
  await dialog.getByLabel('Username').fill(name);
  await dialog.getByLabel('Password').fill(PASSWORD);
  await dialog.getByLabel('Role of grant 1').selectOption('auditor');
  await expectAccessible(page);
  await dialog.getByRole('button', { name: 'Create user' }).click();
  await expect(dialog).toBeHidden();
  const row = page.getByRole('row', { name: new RegExp(name) });
  await expect(row.getByText('auditor')).toBeVisible();
  await keepScreenshot(page, testInfo, 'users');
  await expectAccessible(page);

  await page.getByRole('link', { name: 'Roles' }).first().click();
  await expect(page.getByRole('row', { name: /operator.*built-in/ })).toBeVisible();
  await keepScreenshot(page, testInfo, 'roles');
  await expectAccessible(page);

  // The auditor, in a browser of their own.
  const ctx = await browser.newContext();
  const auditor = await ctx.newPage();
  await loginAs(auditor, name, PASSWORD);
  await expect(auditor.getByRole('heading', { name: /dashboard/i })).toBeVisible();
  await expect(auditor.getByRole('link', { name: 'Users' })).toHaveCount(0);
  // The account page is in the user menu of the top bar, which names the user.
  await auditor.getByRole('button', { name: `User menu: ${name}` }).click();
  await auditor.getByRole('link', { name: 'Account' }).click();
  await expect(auditor.getByRole('heading', { name: 'My account' })).toBeVisible();
  await auditor.getByRole('button', { name: 'Set up' }).click();
  await expect(auditor.getByRole('img', { name: /QR code/ })).toBeVisible();
  const secret = (await auditor.getByLabel('TOTP secret').textContent())!.trim();
  const key = base32Decode(secret);
  const step = stepAt(Date.now());
  await keepScreenshot(auditor, testInfo, 'account-totp');
  await expectAccessible(auditor);
  await auditor.getByLabel('Code from the app').fill(hotp(key, step));
  await auditor.getByRole('button', { name: 'Turn on' }).click();
  const codes = auditor.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem');
  await expect(codes).toHaveCount(10);
  await auditor.getByRole('button', { name: 'I have saved them' }).click();
  await expect(auditor.getByText(/^On\./)).toBeVisible();

  // A password alone is not enough any more: the form asks for the code.
  // Log out sits in the user menu of the top bar.
  await auditor.getByRole('button', { name: /^User menu/ }).click();
  await auditor.getByRole('button', { name: 'Log out', exact: true }).click();
  await expect(auditor).toHaveURL(/\/login\/?$/);
  await loginAs(auditor, name, PASSWORD);
  const code = auditor.getByLabel('Authentication code');
  await expect(code).toBeVisible();
  // The next step's code: the confirming one is spent.
  await code.fill(hotp(key, step + 1));
  await auditor.getByRole('button', { name: /log in/i }).click();
  await expect(auditor.getByRole('heading', { name: /dashboard/i })).toBeVisible();

  // A token that lives a minute, shown once, then revoked.
  await auditor.goto('/account/');
  const tokenForm = auditor.getByRole('form', { name: 'New API token' });
  await tokenForm.getByLabel('Token name').fill('one-minute');
  await tokenForm.getByLabel('Expires after').selectOption({ label: '1 minute' });
  await tokenForm.getByRole('button', { name: 'Create token' }).click();
  await expect(auditor.getByLabel('New token')).toHaveText(/^berth_/);
  await auditor.getByRole('button', { name: 'Done' }).click();
  const tokenRow = auditor.getByRole('row', { name: /one-minute/ });
  await expect(tokenRow).toBeVisible();
  await expect(auditor.getByRole('row', { name: /this one/ })).toBeVisible();
  await keepScreenshot(auditor, testInfo, 'account');
  await expectAccessible(auditor);
  await tokenRow.getByRole('button', { name: 'Revoke one-minute' }).click();
  await auditor.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click();
  await expect(tokenRow).toHaveCount(0);
  await ctx.close();

  // The admin disables the auditor: the same answer as a wrong password from now on.
  await page.goto('/users/');
  await page
    .getByRole('row', { name: new RegExp(name) })
    .getByRole('button', { name: 'Disable' })
    .click();
  await expect(
    page.getByRole('row', { name: new RegExp(name) }).getByText('disabled'),
  ).toBeVisible();
  const again = await browser.newContext();
  const refused = await again.newPage();
  await loginAs(refused, name, PASSWORD);
  await expect(refused.getByText(/wrong username or password/i)).toBeVisible();
  await again.close();
});
