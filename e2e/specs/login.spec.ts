import { expect, test } from '@playwright/test';
import { adminPassword, expectAccessible, keepScreenshot, login } from '../helpers/session.js';

test('a wrong password is refused with a clear message', async ({ page }) => {
  await page.goto('/login/');
  await expectAccessible(page);
  await page.getByLabel('Username').fill('admin');
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: /log in|sign in/i }).click();
  await expect(page.getByText(/wrong username or password/i)).toBeVisible();
  await expect(page).toHaveURL(/\/login\/?$/);
});

test('log in, see the dashboard, stay logged in across a reload, log out', async ({
  page,
}, testInfo) => {
  expect(adminPassword()).not.toBe('');
  await login(page);
  await expect(page.getByRole('heading', { name: /dashboard/i })).toBeVisible();
  await expect(page.getByText(/TCG|KVM/).first()).toBeVisible();
  await keepScreenshot(page, testInfo, 'dashboard');
  await expectAccessible(page);
  await page.reload();
  await expect(page.getByRole('heading', { name: /dashboard/i })).toBeVisible();
  // Log out sits in the user menu of the top bar.
  await page.getByRole('button', { name: /^User menu/ }).click();
  await page.getByRole('button', { name: 'Log out', exact: true }).click();
  await expect(page).toHaveURL(/\/login\/?$/);
});
