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
import { createRunning } from '../helpers/instances.js';
import { typeLine } from '../helpers/terminal.js';

let api: APIRequestContext;
let ct: Instance;

test.describe.serial('console recording', () => {
  test.beforeAll(async ({ baseURL }) => {
    test.setTimeout(120_000);
    api = await adminApi(baseURL!);
    ct = await createRunning(api, { kind: 'ct', name: uniqueName('e2erec'), template: 'busybox' });
    await ok(api.put(`/api/v1/recording-policies/instances/${ct.id}`, { data: { enabled: true } }));
  });

  test.afterAll(async () => {
    if (ct) {
      await api.put(`/api/v1/recording-policies/instances/${ct.id}`, { data: { enabled: false } });
      await api.delete(`/api/v1/instances/${ct.id}?force=true&sync=true`);
    }
    await api?.dispose();
  });

  test('a recorded shell says so, and its replay shows what was typed on a timeline', async ({
    page,
  }, testInfo) => {
    await login(page);
    await page.goto(`/instances/view/?id=${ct.id}&tab=console`);
    const shell = page.getByRole('region', { name: `Shell 1 of ${ct.name}` });
    await expect(shell.getByRole('status')).toContainText('Connected');
    await expect(shell.getByRole('status')).toContainText('Recording');
    await typeLine(page, shell, 'echo hello-$((40+2))-recorded');
    await expect(shell.locator('.xterm-rows')).toContainText('hello-42-recorded');
    await keepScreenshot(page, testInfo, 'recorded-shell');

    // Leaving the page closes the console, which ends its recording.
    await page.goto('/recordings/');
    await expect(page.getByRole('heading', { name: 'What is recorded' })).toBeVisible();
    await expect(page.getByText(`Every console of ${ct.name}`)).toBeVisible();
    await keepScreenshot(page, testInfo, 'recordings');
    await expectAccessible(page);
    await page
      .getByRole('link', { name: /^Replay the shell session of admin/ })
      .first()
      .click();

    await expect(page.getByRole('heading', { name: `admin on ${ct.name}` })).toBeVisible();
    const replay = page.getByRole('region', { name: 'Replay of the shell' });
    const screen = replay.getByTestId('replay-terminal').locator('.xterm-rows');
    const timeline = replay.getByRole('slider', { name: 'Timeline' });
    // Seeking to the end shows everything; back to the start, nothing; playing brings it back.
    await timeline.fill((await timeline.getAttribute('max')) ?? '0');
    await expect(screen).toContainText('hello-42-recorded');
    await keepScreenshot(page, testInfo, 'replay');
    await expectAccessible(page);
    await timeline.fill('0');
    await expect(screen).not.toContainText('hello-42-recorded');
    await replay.getByLabel('Speed').selectOption('8');
    await replay.getByRole('button', { name: 'Play' }).click();
    await expect(screen).toContainText('hello-42-recorded');
    await expect(replay.getByRole('button', { name: 'Play' })).toBeVisible();

    await page.emulateMedia({ colorScheme: 'dark' });
    await page.reload();
    await expect(page.getByRole('heading', { name: `admin on ${ct.name}` })).toBeVisible();
    await keepScreenshot(page, testInfo, 'replay-dark');
  });
  test('a recorded VM screen replays as frames on the same timeline', async ({
    page,
  }, testInfo) => {
    test.setTimeout(180_000);
    const created = await ok<TaskAccepted>(
      api.post('/api/v1/instances?sync=true', {
        data: {
          kind: 'vm',
          name: uniqueName('e2erecvm'),
          memoryMiB: 256,
          disks: [{ template: 'tiny-linux' }],
        },
      }),
    );
    const id = created.task.instanceId!;
    try {
      await ok(api.post(`/api/v1/instances/${id}/actions/start?sync=true`, { data: {} }));
      const vm = await ok<Instance>(api.get(`/api/v1/instances/${id}`));
      await ok(api.put(`/api/v1/recording-policies/instances/${id}`, { data: { enabled: true } }));
      await login(page);
      await page.goto(`/instances/view/?id=${id}&tab=console`);
      const screen = page.getByRole('region', { name: `Screen of ${vm.name}` });
      await expect(screen.getByRole('status')).toContainText('Recording');
      await expect(screen.locator('canvas')).toBeVisible();
      // A frame at once, then one every 2 s while the screen changes (the guest boots).
      await page.waitForTimeout(5000);

      await page.goto('/recordings/');
      await page
        .getByRole('link', { name: /^Replay the screen session of admin/ })
        .first()
        .click();
      const replay = page.getByRole('region', { name: 'Replay of the screen' });
      const frame = replay.getByRole('img', { name: /^The VM's screen at / });
      await expect(frame).toBeVisible();
      await expect
        .poll(() => frame.evaluate((img: HTMLImageElement) => img.naturalWidth))
        .toBeGreaterThan(0);
      const timeline = replay.getByRole('slider', { name: 'Timeline' });
      await timeline.fill((await timeline.getAttribute('max')) ?? '0');
      await keepScreenshot(page, testInfo, 'replay-screen');
      await expectAccessible(page);
    } finally {
      await api.put(`/api/v1/recording-policies/instances/${id}`, { data: { enabled: false } });
      await api.delete(`/api/v1/instances/${id}?force=true&sync=true`);
    }
  });
});
