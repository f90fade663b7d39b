import { expect, test } from '../helpers/test.js';
import { type APIRequestContext } from '@playwright/test';
import type { Instance, TaskAccepted } from '@berth/contracts';
import {
  adminApi,
  expectAccessible,
  keepScreenshot,
  login,
  uniqueName,
} from '../helpers/session.js';
import { ok } from '../helpers/api.js';
import { removeInstance } from '../helpers/instances.js';

/** Two busybox containers for the whole file: one running, one stopped. */
let api: APIRequestContext;
let running: Instance;
let stopped: Instance;

async function create(name: string, start: boolean): Promise<Instance> {
  const body = { template: 'busybox', name, rootPassword: 'e2e-password-1', diskSizeMiB: 64 };
  const created = await ok<TaskAccepted>(api.post('/api/v1/instances?sync=true', { data: body }));
  const id = created.task.instanceId!;
  if (start) await ok(api.post(`/api/v1/instances/${id}/actions/start?sync=true`, { data: {} }));
  return ok<Instance>(api.get(`/api/v1/instances/${id}`));
}

test.describe.serial('instance header and bulk actions', () => {
  test.beforeAll(async ({ baseURL }) => {
    test.setTimeout(120_000);
    api = await adminApi(baseURL!);
    [running, stopped] = await Promise.all([
      create(uniqueName('e2eup'), true),
      create(uniqueName('e2edown'), false),
    ]);
  });

  test.afterAll(async () => {
    for (const i of [running, stopped]) await removeInstance(api, i);
    await api.dispose();
  });

  test('the header offers what the state calls for; Stop asks, with Force', async ({
    page,
  }, testInfo) => {
    await login(page);
    await page.goto(`/instances/view/?id=${running.id}`);
    await expect(page.getByRole('heading', { name: running.name })).toBeVisible();
    const actions = page.getByRole('toolbar', { name: 'Instance actions' });
    // Running: Console and Stop as buttons; Start is nowhere, the rest is in the menu.
    await expect(actions.getByRole('link', { name: 'Console' })).toBeVisible();
    await expect(actions.getByRole('button', { name: 'Stop' })).toBeEnabled();
    await expect(actions.getByRole('button', { name: 'Start' })).toHaveCount(0);
    await expect(actions.getByRole('button', { name: 'Delete' })).toHaveCount(0);
    // A live disk grow is offered only where the host can make it.
    const hosts = await ok<{ items: { facts: { storage: { growInUse: boolean } } | null }[] }>(
      api.get('/api/v1/hosts'),
    );
    const disk = page.getByLabel('Disk size (MiB)');
    if (hosts.items[0]?.facts?.storage.growInUse === false) {
      await expect(disk).toBeDisabled();
      await expect(page.getByText(/cannot grow a disk while the container runs/)).toBeVisible();
    } else {
      await expect(disk).toBeEnabled();
    }
    await keepScreenshot(page, testInfo, 'instance-page-1280');
    await expectAccessible(page);

    await actions.getByRole('button', { name: 'More actions' }).click();
    const menu = page.getByRole('menu', { name: 'More actions' });
    await expect(menu.getByRole('menuitem', { name: 'Restart' })).toBeVisible();
    await keepScreenshot(page, testInfo, 'instance-menu-1280');
    await expectAccessible(page);
    await menu.getByRole('menuitem', { name: 'Delete' }).click();
    const del = page.getByRole('dialog', { name: `Delete ${running.name}?` });
    await expect(del.getByLabel('Stop it first, then delete')).toBeVisible();
    await del.getByRole('button', { name: 'Cancel' }).click();

    // Stop asks; cancelling leaves it running.
    await actions.getByRole('button', { name: 'Stop' }).click();
    const stop = page.getByRole('dialog', { name: `Stop ${running.name}?` });
    await expect(stop.getByLabel(/Force: power off at once/)).not.toBeChecked();
    await expectAccessible(page);
    await stop.getByRole('button', { name: 'Cancel' }).click();
    await expect(stop).toHaveCount(0);
    await expect(page.locator('[data-state="running"]').first()).toBeVisible();

    // With Force ticked the question turns into "Power off", and it does.
    await actions.getByRole('button', { name: 'Stop' }).click();
    const force = stop.getByLabel(/Force: power off at once/);
    await force.check();
    await expect(stop.getByRole('button', { name: 'Power off' })).toBeVisible();
    // The page's data changes under the open dialog (an instance.updated event re-renders the
    // header that holds it): the same box, still ticked, still Power off.
    await force.evaluate((el) => el.setAttribute('data-opened', 'once'));
    await ok(api.patch(`/api/v1/instances/${running.id}`, { data: { onboot: true } }));
    await expect(page.locator('dt:text-is("Start at boot") + dd')).toHaveText('yes');
    await expect(stop.locator('input[data-opened="once"]')).toBeChecked();
    // Unticked and ticked again while updates keep coming: each click stays.
    for (const onboot of [false, true, false, true]) {
      const update = api.patch(`/api/v1/instances/${running.id}`, { data: { onboot } });
      await force.uncheck();
      await force.check();
      await ok(update);
    }
    await expect(page.locator('dt:text-is("Start at boot") + dd')).toHaveText('yes');
    await expect(stop.locator('input[data-opened="once"]')).toBeChecked();
    await stop.getByRole('button', { name: 'Power off' }).click();
    await expect(page.locator('h1 ~ [data-state="stopped"]')).toBeVisible({ timeout: 60_000 });
    // Stopped: Start is the one button; no Stop, no Console.
    await expect(actions.getByRole('button', { name: 'Start' })).toBeEnabled();
    await expect(actions.getByRole('button', { name: 'Stop' })).toHaveCount(0);
    await expect(actions.getByRole('link', { name: 'Console' })).toHaveCount(0);
    const stops = await ok<{ items: { kind: string; status: string }[] }>(
      api.get(`/api/v1/tasks?instanceId=${running.id}&kind=instance.stop`),
    );
    expect(stops.items.map((t) => t.status)).toEqual(['succeeded']);

    await actions.getByRole('button', { name: 'Start' }).click();
    await expect(page.locator('h1 ~ [data-state="running"]')).toBeVisible({ timeout: 60_000 });

    await page.setViewportSize({ width: 390, height: 844 });
    await keepScreenshot(page, testInfo, 'instance-page-390');
    await expectAccessible(page);
  });

  test('bulk delete with a running one and Stop first unticked says what it skipped', async ({
    page,
  }, testInfo) => {
    await login(page);
    await page.goto('/instances/');
    const rowOf = (i: Instance) => page.getByRole('row').filter({ hasText: i.name });
    await expect(rowOf(running).locator('[data-state="running"]')).toBeVisible();
    await expect(rowOf(stopped).locator('[data-state="stopped"]')).toBeVisible();
    await keepScreenshot(page, testInfo, 'instances-list-1280');
    await expectAccessible(page);

    // The row's compact menu holds what its state allows.
    await rowOf(running)
      .getByRole('button', { name: `Actions for ${running.name}` })
      .click();
    await expect(page.getByRole('menuitem', { name: 'Stop' })).toBeVisible();
    await expect(page.getByRole('menuitem', { name: 'Start', exact: true })).toHaveCount(0);
    await page.keyboard.press('Escape');

    await rowOf(running).getByRole('checkbox').check();
    await rowOf(stopped).getByRole('checkbox').check();
    const bar = page.getByRole('region', { name: 'Selected instances' });
    await bar.getByRole('button', { name: 'Delete selected' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete 2 instances?' });
    await expect(dialog.getByRole('note')).toContainText(
      `1 instance running (${running.name}): it is skipped unless you tick Stop first.`,
    );
    await expect(dialog.getByLabel(/^Stop first/)).not.toBeChecked();
    await dialog.getByRole('button', { name: 'Delete' }).click();

    await expect(page.getByText("Deleted 1, skipped 1 running (tick 'Stop first')")).toBeVisible({
      timeout: 60_000,
    });
    await expect(rowOf(stopped)).toHaveCount(0);
    await expect(rowOf(running).locator('[data-state="running"]')).toBeVisible();
    stopped = undefined as unknown as Instance;

    // Bulk Stop asks too.
    await rowOf(running).getByRole('checkbox').check();
    await bar.getByRole('button', { name: /Stop selected/ }).click();
    const stop = page.getByRole('dialog', { name: 'Stop 1 instance?' });
    await expect(stop.getByLabel(/Force: power off at once/)).toBeVisible();
    await stop.getByRole('button', { name: 'Cancel' }).click();

    await page.setViewportSize({ width: 390, height: 844 });
    await keepScreenshot(page, testInfo, 'instances-list-390');
    await expectAccessible(page);
  });
});
