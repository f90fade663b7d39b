import { expect, test } from '../helpers/test.js';
import { request, type APIRequestContext, type Page } from '@playwright/test';
import type { Instance, TaskAccepted } from '@berth/contracts';
import { adminApi, keepScreenshot, login, uniqueName } from '../helpers/session.js';
import { ok } from '../helpers/api.js';
import { createRunning, removeInstance } from '../helpers/instances.js';

/** One container and one VM for the whole file: a VM boot under TCG is the slow part. */
let api: APIRequestContext;
let other: APIRequestContext;
let otherName: string;
let vm: Instance;
let ct: Instance;

/** Nothing below the window: the page does not scroll, and `bottom` (px) is on screen. */
async function expectFits(page: Page, bottom: number) {
  const { innerHeight, scrollHeight } = await page.evaluate(() => ({
    innerHeight: window.innerHeight,
    scrollHeight: document.documentElement.scrollHeight,
  }));
  expect(scrollHeight).toBeLessThanOrEqual(innerHeight);
  expect(bottom).toBeLessThanOrEqual(innerHeight);
}

const bottomOf = async (page: Page, selector: string, within = page.locator('body')) => {
  const box = await within.locator(selector).last().boundingBox();
  expect(box, selector).not.toBeNull();
  return box!.y + box!.height;
};

test.describe.serial('consoles that fit, notifications', () => {
  test.beforeAll(async ({ baseURL }) => {
    test.setTimeout(240_000);
    api = await adminApi(baseURL!);
    otherName = uniqueName('e2eop');
    const password = 'e2e-operator-password';
    await ok(
      api.post('/api/v1/users', {
        data: { username: otherName, password, grants: [{ role: 'operator', scope: 'all' }] },
      }),
    );
    other = await request.newContext({ baseURL, ignoreHTTPSErrors: true });
    await ok(other.post('/api/v1/auth/login', { data: { username: otherName, password } }));
    const csrf = (await other.storageState()).cookies.find((c) => c.name === 'berth_csrf')?.value;
    const state = await other.storageState();
    await other.dispose();
    other = await request.newContext({
      baseURL,
      storageState: state,
      ignoreHTTPSErrors: true,
      extraHTTPHeaders: { origin: new URL(baseURL!).origin, 'x-csrf-token': csrf ?? '' },
    });
    [vm, ct] = await Promise.all([
      createRunning(api, {
        kind: 'vm',
        name: uniqueName('e2efitvm'),
        memoryMiB: 256,
        disks: [{ template: 'tiny-linux' }],
      }),
      createRunning(api, { kind: 'ct', name: uniqueName('e2efitct'), template: 'busybox' }),
    ]);
  });

  test.afterAll(async () => {
    for (const i of [vm, ct]) await removeInstance(api, i);
    await other?.dispose();
    await api?.dispose();
  });

  test("a toast only for one's own task; the task reads as its outcome", async ({
    page,
  }, testInfo) => {
    await login(page);
    await page.goto('/instances/');
    const toasts = page.getByRole('region', { name: 'Toasts' });
    await expect(page.getByRole('heading', { name: 'Instances' })).toBeVisible();

    // Another user's task first, then one's own: the stream keeps their order, so by the time
    // one's own toast is up, the other's event has been seen and raised nothing. (A create and a
    // delete of a throwaway container: neither needs the shared ones to start again.)
    const name = uniqueName('e2etoast');
    const made = await ok<TaskAccepted>(
      other.post('/api/v1/instances?sync=true', { data: { name, template: 'busybox' } }),
    );
    await ok(api.delete(`/api/v1/instances/${made.task.instanceId}?sync=true`));
    const mine = toasts.getByRole('status');
    await expect(mine).toHaveCount(1);
    await expect(mine).toContainText(`Delete instance`);
    await expect(mine).toContainText(/Deleted in \d/);
    await keepScreenshot(page, testInfo, 'own-toast');

    // The tasks page finds the other user's task on the server, by who started it.
    await page.goto('/tasks/');
    await page.getByLabel('Started by').fill(otherName);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const list = page.getByRole('list', { name: 'Tasks' });
    await expect(list.getByRole('listitem')).toHaveCount(1);
    await expect(list).toContainText(/Created in \d/);
    await list.getByRole('link', { name: 'Create instance' }).click();
    await expect(page.getByRole('heading', { name: 'Create instance' })).toBeVisible();
    await expect(page.getByRole('definition').filter({ hasText: otherName })).toBeVisible();
    await keepScreenshot(page, testInfo, 'task-detail');
  });

  test('a container shell fits 1280×800 and follows a resize; another tab re-attaches to it', async ({
    page,
    context,
  }, testInfo) => {
    await login(page);
    await page.goto(`/instances/view/?id=${ct.id}&tab=console`);
    const shell = page.getByRole('region', { name: `Shell 1 of ${ct.name}` });
    await expect(shell.getByRole('status')).toHaveText('Connected');
    await shell.locator('.xterm-screen').click();
    const marker = `fit-${Math.floor(Math.random() * 1e6)}`;
    await page.keyboard.type(`echo ${marker}\n`);
    await expect(shell.locator('.xterm-rows')).toContainText(marker);

    await expectFits(page, await bottomOf(page, '.xterm-rows > div', shell));
    await expectFits(page, await bottomOf(page, '[role="status"]', shell));
    const rows = await shell.locator('.xterm-rows > div').count();
    await keepScreenshot(page, testInfo, 'shell-1280x800');

    await page.setViewportSize({ width: 1440, height: 960 });
    await expect.poll(() => shell.locator('.xterm-rows > div').count()).toBeGreaterThan(rows);
    await expectFits(page, await bottomOf(page, '.xterm-rows > div', shell));
    await page.setViewportSize({ width: 1280, height: 800 });

    // A second tab opens a shell of its own, and lists the first one to attach to.
    const tab2 = await context.newPage();
    await tab2.goto(`/instances/view/?id=${ct.id}&tab=console`);
    await expect(
      tab2.getByRole('region', { name: `Shell 1 of ${ct.name}` }).getByRole('status'),
    ).toHaveText('Connected');
    await tab2.getByRole('button', { name: /^Running shells \(\d+\)$/ }).click();
    const running = tab2.getByRole('region', { name: 'Running shells' });
    await expect(running.getByRole('listitem')).toHaveCount(1);
    await keepScreenshot(tab2, testInfo, 'running-shells');
    await running.getByRole('button', { name: 'Attach' }).click();
    const attached = tab2.getByRole('region', { name: `Shell 2 of ${ct.name}` });
    await expect(attached.getByRole('status')).toHaveText('Connected');
    await expect(attached.locator('.xterm-rows')).toContainText(marker);
    await tab2.close();
  });

  test('the VM screen fits 1280×800, says how to log in, and has a clipboard panel', async ({
    page,
  }, testInfo) => {
    await login(page);
    await page.goto(`/instances/view/?id=${vm.id}&tab=console`);
    const frame = page.getByRole('region', { name: `Screen of ${vm.name}` });
    const canvas = frame.getByRole('application').locator('canvas');
    await expect(canvas).toBeVisible({ timeout: 60_000 });
    await expect
      .poll(() => canvas.evaluate((c: HTMLCanvasElement) => c.width), { timeout: 60_000 })
      .toBeGreaterThanOrEqual(640);
    await expect(page.getByText('Log in as root, no password')).toBeVisible();

    // The screen has the keyboard (it takes it on connect): one's own task raises no toast over
    // it, only the bell's count.
    await expect.poll(() => frame.evaluate((el) => el.contains(document.activeElement))).toBe(true);
    const name = uniqueName('e2equiet');
    const made = await ok<TaskAccepted>(
      api.post('/api/v1/instances?sync=true', { data: { name, template: 'busybox' } }),
    );
    await ok(api.delete(`/api/v1/instances/${made.task.instanceId}?sync=true`));
    await expect(page.getByRole('button', { name: 'Notifications: 2 new' })).toBeVisible();
    await expect(page.getByRole('region', { name: 'Toasts' }).getByRole('status')).toHaveCount(0);

    await expectFits(page, await bottomOf(page, 'canvas', frame));
    await expectFits(page, await bottomOf(page, ':scope > [role="status"]', frame));
    const small = (await canvas.boundingBox())!.height;
    await keepScreenshot(page, testInfo, 'vm-1280x800');

    await page.setViewportSize({ width: 1600, height: 1000 });
    await expect.poll(async () => (await canvas.boundingBox())!.height).toBeGreaterThan(small);
    await expectFits(page, await bottomOf(page, 'canvas', frame));
    await page.setViewportSize({ width: 1280, height: 800 });

    await frame.getByRole('button', { name: 'Clipboard' }).click();
    const panel = frame.getByRole('complementary', { name: 'Clipboard' });
    await expect(panel.getByLabel('From the guest')).toBeVisible();
    await expect(panel.getByRole('button', { name: 'Copy' })).toBeDisabled();
    await keepScreenshot(page, testInfo, 'vm-clipboard');
    await panel.getByRole('button', { name: 'Paste text…' }).click();
    await expect(page.getByRole('dialog', { name: 'Type text into the VM' })).toBeVisible();
  });
});
