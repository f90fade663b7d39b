import { expect, test } from '../helpers/test.js';
import { type APIRequestContext } from '@playwright/test';
import type { ConfigSample, Instance } from '@berth/contracts';
import {
  adminApi,
  expectAccessible,
  keepScreenshot,
  login,
  uniqueName,
} from '../helpers/session.js';
import { createInstance, removeInstance } from '../helpers/instances.js';

let api: APIRequestContext;
let ct: Instance;
const sampleName = uniqueName('e2esample');

test.describe.serial('configuration samples', () => {
  test.beforeAll(async ({ baseURL }) => {
    api = await adminApi(baseURL!);
    ct = await createInstance(api, { kind: 'ct', name: uniqueName('e2esmp'), template: 'busybox' });
  });

  test.afterAll(async () => {
    await removeInstance(api, ct);
    const list = (await (await api.get('/api/v1/samples')).json()) as { items: ConfigSample[] };
    for (const s of list.items.filter((x) => x.name.startsWith('e2esample')))
      await api.delete(`/api/v1/samples/${s.id}`);
    await api?.dispose();
  });

  test('the built-in samples are listed read-only; a new one is made in the dialog', async ({
    page,
  }, testInfo) => {
    await login(page);
    await page.goto('/samples/');
    const table = page.getByRole('table', { name: 'Configuration samples' });
    for (const name of ['small', 'medium', 'large'])
      await expect(
        table.getByRole('row').filter({ hasText: new RegExp(`^${name}\\s*built-in`) }),
      ).toBeVisible();
    await expect(table.getByRole('group', { name: 'Actions for medium' })).not.toContainText(
      'Delete',
    );

    await page.getByRole('button', { name: 'New sample' }).click();
    const dialog = page.getByRole('dialog', { name: 'New sample' });
    await dialog.getByLabel('Name').fill(sampleName);
    await dialog.getByLabel('CPU cap (%)').fill('lots');
    await dialog.getByRole('button', { name: 'Create sample' }).click();
    await expect(dialog.getByText('a whole number, or empty for no limit')).toBeVisible();
    await dialog.getByLabel('CPU cap (%)').fill('50');
    await dialog.getByLabel('Memory (MiB)').fill('128');
    await dialog.getByLabel('Processes').fill('64');
    await dialog.getByRole('button', { name: 'Create sample' }).click();
    await expect(dialog).toHaveCount(0);
    await expect(table.getByRole('row', { name: new RegExp(sampleName) })).toContainText(
      'cap 50% · 128 MiB · 64 processes',
    );
    await keepScreenshot(page, testInfo, 'samples-page');
    await expectAccessible(page);
  });

  test('split this server says what the host keeps; scale doubles a sample', async ({
    page,
  }, testInfo) => {
    await login(page);
    await page.goto('/samples/');
    await page.getByRole('button', { name: 'Split this server…' }).click();
    const split = page.getByRole('dialog', { name: 'Split this server' });
    await expect(split).toContainText('The host keeps 10% of its CPU time');
    await split.getByLabel('Instances').fill('2');
    await split.getByRole('button', { name: 'Compute' }).click();
    await expect(split).toContainText('Each of 2:');
    await expect(split).toContainText(/It keeps 10% of CPU time, [\d.]+ [MG]iB of memory/);
    await keepScreenshot(page, testInfo, 'samples-split');
    await expectAccessible(page);
    await split.getByRole('button', { name: 'Done' }).click();

    await page
      .getByRole('group', { name: `Actions for ${sampleName}` })
      .getByRole('button', { name: 'Scale…' })
      .click();
    const scale = page.getByRole('dialog', { name: `Scale ${sampleName}` });
    await scale.getByLabel('Factor').fill('2');
    await scale.getByRole('button', { name: 'Compute' }).click();
    await expect(scale).toContainText('Scaled: cap 100% · 256 MiB · 128 processes');
    await scale.getByRole('button', { name: 'Done' }).click();
  });

  test('apply shows the diff first, then changes the instance; check finds no problem', async ({
    page,
  }, testInfo) => {
    await login(page);
    await page.goto('/samples/');
    await page
      .getByRole('group', { name: `Actions for ${sampleName}` })
      .getByRole('button', { name: 'Apply…' })
      .click();
    const dialog = page.getByRole('dialog', { name: `Apply ${sampleName}` });
    await dialog.getByLabel('Instance').selectOption(ct.id);
    const changes = dialog.getByRole('table', { name: 'Changes' });
    await expect(changes.getByRole('row', { name: /memory.limitMiB/ })).toContainText('128');
    await expect(changes.getByRole('row', { name: /memory.limitMiB/ })).toContainText('live');
    await keepScreenshot(page, testInfo, 'samples-apply-diff');
    await expectAccessible(page);
    await dialog.getByRole('button', { name: 'Apply' }).click();
    await expect(dialog).toHaveCount(0);
    const now = (await (await api.get(`/api/v1/instances/${ct.id}`)).json()) as Instance;
    expect(now.limits.memory?.limitMiB).toBe(128);
    expect(now.limits.cpu?.cap).toBe(50);

    const check = page.getByRole('region', { name: 'Check an instance' });
    await check.getByLabel('Instance').selectOption(ct.id);
    await expect(check.getByRole('status')).toContainText('No problems');
  });

  test('the create form starts from a sample', async ({ page }) => {
    await login(page);
    await page.goto('/instances/new/');
    await page.getByLabel('Start from a sample').selectOption({ label: 'small (built-in)' });
    await expect(page.getByLabel('Disk size (MiB)')).toHaveValue('2048');
    await expect(page.getByLabel('Memory (MiB)')).toHaveValue('256');
    await expect(page.getByLabel('Processes')).toHaveValue('256');
    await expectAccessible(page);
  });
});
