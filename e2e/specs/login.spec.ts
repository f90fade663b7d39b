import { expect, test } from '../helpers/test.js';
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

test('a script chunk that fails to load once reloads the page instead of breaking it', async ({
  page,
}) => {
  await login(page);
  // As when the browser's network changes under a load (ERR_NETWORK_CHANGED): the first
  // request for each chunk of the instances page fails.
  const failed = new Set<string>();
  await page.route('**/_next/static/chunks/**', async (route) => {
    const url = route.request().url();
    if (failed.has(url)) return route.continue();
    failed.add(url);
    return route.abort('internetdisconnected');
  });
  await page.goto('/instances/');
  await expect(page.getByRole('heading', { name: 'Instances', exact: true })).toBeVisible();
  expect(failed.size).toBeGreaterThan(0);
});
