import { execFileSync } from 'node:child_process';
import { expect, test } from '../helpers/test.js';
import { type APIRequestContext } from '@playwright/test';
import type { Instance } from '@berth/contracts';
import { adminApi, keepScreenshot, login, uniqueName } from '../helpers/session.js';
import { createInstance, removeInstance } from '../helpers/instances.js';

let api: APIRequestContext;
let ct: Instance | undefined;

/** The names of the files in a downloaded .tar.gz. */
const entries = (file: string) =>
  execFileSync('tar', ['-tzf', file], { encoding: 'utf8' }).trim().split('\n');

test.describe.serial('the problem report: from the host card and from the instance', () => {
  test.beforeAll(async ({ baseURL }) => {
    api = await adminApi(baseURL!);
    ct = await createInstance(api, { template: 'busybox', name: uniqueName('e2erep') });
  });
  test.afterAll(async () => {
    await removeInstance(api, ct);
    await api.dispose();
  });

  test('the host card downloads the report with the instances ticked', async ({ page }, info) => {
    await login(page);
    await page.goto('/');
    await page.getByRole('button', { name: 'Problem report…' }).first().click();
    const dialog = page.getByRole('dialog', { name: /^Problem report for / });
    await dialog.getByRole('checkbox', { name: new RegExp(ct!.name) }).check();
    await keepScreenshot(page, info, 'problem-report-host');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      dialog.getByRole('button', { name: 'Download report' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/\.tar\.gz$/);
    const names = entries((await download.path())!);
    expect(names.some((n) => n.includes(ct!.id) || n.includes(ct!.name))).toBe(true);
    await expect(dialog).toHaveCount(0);
  });

  test('the instance’s menu offers it with the instance chosen', async ({ page }) => {
    await login(page);
    await page.goto(`/instances/view/?id=${ct!.id}`);
    await page.getByRole('button', { name: 'More actions' }).click();
    await page.getByRole('menuitem', { name: 'Problem report…' }).click();
    const dialog = page.getByRole('dialog', { name: /^Problem report for / });
    await expect(dialog.getByRole('checkbox', { name: new RegExp(ct!.name) })).toBeChecked();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      dialog.getByRole('button', { name: 'Download report' }).click(),
    ]);
    const names = entries((await download.path())!);
    expect(names.some((n) => n.includes(ct!.id) || n.includes(ct!.name))).toBe(true);
  });
});
