import { expect, test } from '../helpers/test.js';
import { type APIRequestContext } from '@playwright/test';
import type { Instance } from '@berth/contracts';
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
let ruleId: string | undefined;

test.describe.serial('usage graphs', () => {
  test.beforeAll(async ({ baseURL }) => {
    api = await adminApi(baseURL!);
    ct = await createInstance(
      api,
      { kind: 'ct', name: uniqueName('e2emon'), template: 'busybox', limits: { cpu: { cap: 50 } } },
      { start: true },
    );
    const busy = await api.post(`/api/v1/instances/${ct.id}/exec`, {
      data: {
        command: ['sh', '-c', "setsid sh -c 'while :; do :; done' </dev/null >/dev/null 2>&1 &"],
      },
    });
    expect(busy.ok(), await busy.text()).toBe(true);
  });

  test.afterAll(async () => {
    if (ruleId) await api.delete(`/api/v1/alerts/rules/${ruleId}`);
    await removeInstance(api, ct);
    await api?.dispose();
  });

  test("the instance Summary draws its graphs with data, and the dashboard the host's", async ({
    page,
  }, testInfo) => {
    await login(page);
    await page.goto(`/instances/view/?id=${ct.id}`);
    const panel = page.getByTestId('metrics-panel');
    // Samples come every 5 s; the graphs appear once the first ones are stored.
    await expect(panel.getByTestId('chart-CPU (% of one CPU)').locator('canvas')).toBeVisible({
      timeout: 30_000,
    });
    await expect(panel.getByTestId('chart-Memory').locator('canvas')).toBeVisible();
    await expect(panel.getByTestId('chart-Disk I/O').locator('canvas')).toBeVisible();
    await expect(panel.getByTestId('chart-Network').locator('canvas')).toBeVisible();
    // The legend shows the cursor's value, or the last one: a busy loop under its 50 % cap.
    await expect(panel.getByRole('button', { name: '1h' })).toHaveAttribute('aria-pressed', 'true');
    await page.waitForTimeout(6000);
    await keepScreenshot(page, testInfo, 'instance-graphs');
    await expectAccessible(page);
    // The network graph shows the total, or one adapter (a container's eth0) picked above it.
    const adapter = panel.getByLabel('Adapter');
    await expect(adapter.locator('option')).toHaveText(['All (total)', 'eth0']);
    await adapter.selectOption('eth0');
    await expect(panel.getByTestId('chart-Network').locator('canvas')).toBeVisible();
    await expect(panel.getByTestId('chart-Network')).toContainText('in');
    await keepScreenshot(page, testInfo, 'instance-network-eth0');
    await panel.getByRole('button', { name: '1d' }).click();
    await expect(panel.getByRole('button', { name: '1d' })).toHaveAttribute('aria-pressed', 'true');

    await page.goto('/');
    await expect(page.getByRole('heading', { name: 'Busiest instances' })).toBeVisible();
    await expect(
      page
        .getByRole('region', { name: 'Busiest instances' })
        .getByRole('link', { name: ct.name })
        .first(),
    ).toBeVisible({ timeout: 20_000 });
    const hostPanel = page.getByTestId('metrics-panel').first();
    for (const chart of ['CPU (% of one CPU)', 'Memory', 'Disk I/O', 'Network'])
      await expect(hostPanel.getByTestId(`chart-${chart}`).locator('canvas')).toBeVisible({
        timeout: 20_000,
      });
    await keepScreenshot(page, testInfo, 'dashboard-graphs');
  });

  test('an alert on the busy loop shows on the dashboard, the instance and the Alerts page; usage totals on the Usage page', async ({
    page,
  }, testInfo) => {
    const rule = await api.post('/api/v1/alerts/rules', {
      data: {
        name: 'e2e busy',
        metric: 'cpuPct',
        threshold: 30,
        forSeconds: 10,
        scope: 'instance',
        scopeValue: ct.id,
      },
    });
    expect(rule.status(), await rule.text()).toBe(201);
    ruleId = ((await rule.json()) as { id: string }).id;
    await login(page);
    await page.goto('/');
    const attention = page.getByRole('region', { name: 'Needs attention' });
    await expect(attention.getByTestId('firing-alert').filter({ hasText: ct.name })).toBeVisible({
      timeout: 45_000,
    });
    await keepScreenshot(page, testInfo, 'dashboard-alert');

    await page.goto(`/instances/view/?id=${ct.id}`);
    await expect(page.getByTestId('firing-banner')).toContainText('e2e busy');
    await keepScreenshot(page, testInfo, 'instance-firing');
    await page.getByRole('tab', { name: 'Alerts' }).click();
    await expect(page.getByTestId('alert-history')).toContainText('firing');
    await keepScreenshot(page, testInfo, 'instance-alerts-tab');

    await page.goto('/alerts/');
    await expect(page.getByTestId('alert-rules')).toContainText('e2e busy');
    await expect(page.getByTestId('alert-history')).toContainText(ct.name);
    await keepScreenshot(page, testInfo, 'alerts-page');
    await expectAccessible(page);
    await page.getByRole('button', { name: 'New rule' }).click();
    await expect(page.getByRole('form', { name: 'Alert rule' })).toBeVisible();
    await keepScreenshot(page, testInfo, 'alerts-new-rule');

    await page.goto('/usage/');
    await expect(page.getByTestId('usage-table')).toContainText(ct.name);
    await keepScreenshot(page, testInfo, 'usage-page');
    await expectAccessible(page);
    const csv = page.getByRole('link', { name: 'Download CSV' });
    const res = await api.get((await csv.getAttribute('href'))!);
    expect(res.status()).toBe(200);
    expect(await res.text()).toContain(ct.id);
  });
});
