import { expect, test } from '../helpers/test.js';
import { expectAccessible, keepScreenshot, login, uniqueName } from '../helpers/session.js';

test('the audit page shows a run of identical failed logins as one row with its count', async ({
  page,
  request,
}, info) => {
  // Three, under the lock's five: the point is the repeat, not the throttle.
  const username = uniqueName('e2e-guess');
  for (let i = 0; i < 3; i++) {
    const res = await request.post('/api/v1/auth/login', {
      data: { username, password: 'not-the-password' },
    });
    expect(res.status()).toBe(401);
  }
  await login(page);
  await page.goto('/audit/');
  const table = page.getByRole('region', { name: 'Audit events table' });
  const row = table.getByRole('row').filter({ hasText: username });
  await expect(row).toHaveCount(1);
  await expect(row.getByLabel('3 times')).toHaveText('×3');
  await row.getByRole('button', { name: /Details of row/ }).click();
  await expect(table.getByText(/^3 identical events from/)).toBeVisible();
  await expectAccessible(page);
  await keepScreenshot(page, info, 'audit-collapsed');
});
