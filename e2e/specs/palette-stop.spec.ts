import { expect, test } from '../helpers/test.js';
import { type APIRequestContext } from '@playwright/test';
import type { Instance } from '@berth/contracts';
import { adminApi, keepScreenshot, login, openPalette, uniqueName } from '../helpers/session.js';
import { createRunning, removeInstance } from '../helpers/instances.js';

let api: APIRequestContext;
let ct: Instance | undefined;

const stateOf = async (id: string) =>
  ((await (await api.get(`/api/v1/instances/${id}`)).json()) as Instance).state;

test.describe.serial('the palette’s Stop asks as the header does, with Force', () => {
  test.beforeAll(async ({ baseURL }) => {
    api = await adminApi(baseURL!);
    ct = await createRunning(api, { template: 'busybox', name: uniqueName('e2epstop') });
  });
  test.afterAll(async () => {
    await removeInstance(api, ct);
    await api?.dispose();
  });

  test('palette → stop → the header’s confirmation → Force → stopped', async ({ page }, info) => {
    const { id, name } = ct!;
    await login(page);
    await page.goto('/');
    const palette = await openPalette(page);
    await palette.getByRole('combobox', { name: 'Go to or run' }).fill(`stop ${name}`);
    await expect(palette.getByRole('option').first()).toContainText(`Stop ${name}`);
    await page.keyboard.press('Enter');

    const confirm = page.getByRole('dialog', { name: `Stop ${name}?` });
    await expect(confirm).toContainText('is killed if it has not stopped after the timeout');
    const force = confirm.getByRole('checkbox', { name: /Force: power off at once/ });
    await expect(force).not.toBeChecked();
    await force.check();
    await keepScreenshot(page, info, 'palette-stop-confirm');
    const sent = page.waitForRequest(
      (r) => r.method() === 'POST' && r.url().includes(`/instances/${id}/actions/stop`),
    );
    await confirm.getByRole('button', { name: 'Power off' }).click();
    expect((await sent).postDataJSON()).toEqual({ force: true });
    await expect.poll(() => stateOf(id), { timeout: 60_000 }).toBe('stopped');
  });

  test('cancelling the question stops nothing', async ({ page }) => {
    const { id, name } = ct!;
    // The forced stop's task may still be tidying up (the disk detaching) a moment after "stopped".
    await expect
      .poll(
        async () =>
          (
            await api.post(`/api/v1/instances/${id}/actions/start?sync=true`, { data: {} })
          ).status(),
        { timeout: 60_000 },
      )
      .toBe(200);
    await login(page);
    await page.goto('/');
    const palette = await openPalette(page);
    await palette.getByRole('combobox', { name: 'Go to or run' }).fill(`stop ${name}`);
    await page.keyboard.press('Enter');
    const confirm = page.getByRole('dialog', { name: `Stop ${name}?` });
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await expect(confirm).toHaveCount(0);
    expect(await stateOf(id)).toBe('running');
  });
});
