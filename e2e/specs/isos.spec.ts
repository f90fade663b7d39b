import { expect, test } from '../helpers/test.js';
import { type APIRequestContext } from '@playwright/test';
import { adminApi, expectAccessible, keepScreenshot, login } from '../helpers/session.js';

let api: APIRequestContext;

/** A minimal ISO 9660 image: zeros with "CD001" in its first volume descriptor. */
const tinyIso = () => {
  const data = Buffer.alloc(36 * 1024);
  data.write('CD001', 0x8001, 'latin1');
  return data;
};

test.describe.serial('the ISO store', () => {
  test.beforeAll(async ({ baseURL }) => {
    api = await adminApi(baseURL!);
  });
  test.afterAll(async () => {
    await api.delete('/api/v1/isos/e2e-tiny.iso');
    await api.put('/api/v1/isos/store', { data: { quotaBytes: null } });
    await api?.dispose();
  });

  test('shows its quota, takes a CD image and refuses anything else, saying why', async ({
    page,
  }, testInfo) => {
    await login(page);
    await page.goto('/isos/');
    const space = page.getByRole('region', { name: 'Space' });
    await expect(space).toContainText('of 64 GiB used');

    await page.getByLabel('File').setInputFiles({
      name: 'e2e-notes.iso',
      mimeType: 'application/octet-stream',
      buffer: Buffer.from('plain text, not a CD image\n'.repeat(4000)),
    });
    await page.getByRole('button', { name: 'Upload' }).click();
    await expect(page.getByRole('alert').filter({ hasText: 'Upload of' })).toContainText(
      'not an ISO 9660 or UDF image',
    );

    await page.getByLabel('File').setInputFiles({
      name: 'e2e-tiny.iso',
      mimeType: 'application/octet-stream',
      buffer: tinyIso(),
    });
    await page.getByRole('button', { name: 'Upload' }).click();
    await expect(
      page.getByRole('status').filter({ hasText: 'Uploaded e2e-tiny.iso' }),
    ).toBeVisible();
    await expect(page.getByRole('cell', { name: 'e2e-tiny.iso', exact: true })).toBeVisible();

    await space.getByRole('button', { name: 'Change quota' }).click();
    await space.getByLabel('Quota (GiB)').fill('2');
    await space.getByRole('button', { name: 'Save' }).click();
    await expect(space).toContainText(/of 2(\.0)? GiB used/);
    await keepScreenshot(page, testInfo, 'iso-store');
    await expectAccessible(page);
  });
});
