import AxeBuilder from '@axe-core/playwright';
import {
  expect,
  request,
  type APIRequestContext,
  type BrowserContext,
  type Locator,
  type Page,
  type TestInfo,
} from '@playwright/test';

export const adminPassword = () => process.env.BERTH_E2E_ADMIN_PASSWORD ?? '';

/** Random names keep runs apart and make leftovers easy to spot. */
export const uniqueName = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 8)}`;

export async function login(page: Page): Promise<void> {
  await page.goto('/login/');
  await page.getByLabel('Username').fill('admin');
  await page.getByLabel('Password').fill(adminPassword());
  await page.getByRole('button', { name: /log in|sign in/i }).click();
  await expect(page).not.toHaveURL(/\/login\/?$/);
}

/**
 * What the web UI adds to a change made with the session cookie, for requests a spec makes itself
 * in a browser's context (page.request): the page's Origin and the session's CSRF token.
 */
export async function csrfHeaders(
  context: BrowserContext,
  baseURL: string,
): Promise<Record<string, string>> {
  const csrf = (await context.cookies(baseURL)).find((c) => c.name === 'berth_csrf')?.value;
  return { origin: new URL(baseURL).origin, 'x-csrf-token': csrf ?? '' };
}

/** An API client logged in as admin with a session cookie, sending what the web UI sends. */
export async function adminApi(baseURL: string): Promise<APIRequestContext> {
  const login = await request.newContext({ baseURL, ignoreHTTPSErrors: true });
  const res = await login.post('/api/v1/auth/login', {
    data: { username: 'admin', password: adminPassword() },
  });
  expect(res.status(), await res.text()).toBe(200);
  const storageState = await login.storageState();
  await login.dispose();
  const csrf = storageState.cookies.find((c) => c.name === 'berth_csrf')?.value ?? '';
  return request.newContext({
    baseURL,
    storageState,
    ignoreHTTPSErrors: true,
    extraHTTPHeaders: { origin: new URL(baseURL).origin, 'x-csrf-token': csrf },
  });
}

/** No serious or critical accessibility violations on the page as it stands. */
export async function expectAccessible(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(
    bad.map(
      (v) =>
        `${v.id} (${v.impact}): ${v.nodes.length} node(s), e.g. ${v.nodes[0]?.target.join(' ')}`,
    ),
  ).toEqual([]);
}

/** A full-page screenshot kept in the test output, for a person to look at. */
export async function keepScreenshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const file = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  await testInfo.attach(name, { path: file, contentType: 'image/png' });
}

/**
 * Opens the command palette with its shortcut. A server-rendered page is visible before React
 * has hydrated and attached the key handler, so a single press can go unheard (it once did, in
 * CI): press again until the dialog shows.
 */
export async function openPalette(page: Page): Promise<Locator> {
  const palette = page.getByRole('dialog', { name: 'Command palette' });
  await expect(async () => {
    if (!(await palette.isVisible())) await page.keyboard.press('Control+k');
    await expect(palette).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 60_000 });
  return palette;
}
