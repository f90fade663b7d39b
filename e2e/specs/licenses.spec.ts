import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, test } from '../helpers/test.js';
import { type APIRequestContext } from '@playwright/test';
import { adminApi, expectAccessible, keepScreenshot, login } from '../helpers/session.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
let api: APIRequestContext;

/** A license from scripts/issue-license.ts, signed with the test key global-setup trusts. */
const issue = (...args: string[]) =>
  execFileSync(process.execPath, ['--import', 'tsx', 'scripts/issue-license.ts', ...args], {
    cwd: root,
    encoding: 'utf8',
  });

test.describe.serial('the Licenses page', () => {
  test.beforeAll(async ({ baseURL }) => {
    api = await adminApi(baseURL!);
  });
  test.afterAll(async () => {
    await api.delete('/api/v1/licenses/console');
    const { hosts } = await (await api.get('/api/v1/licenses')).json();
    for (const h of hosts) await api.delete(`/api/v1/hosts/${h.hostId}/license`);
    await api?.dispose();
  });

  test('installs a pasted console license and a host license, shows limits against use, refuses a tampered one, removes with confirmation', async ({
    page,
  }, testInfo) => {
    await login(page);
    await page.goto('/licenses/');
    await expect(page.getByRole('heading', { name: 'Licenses', level: 1 })).toBeVisible();
    await expect(page.getByTestId('test-keys-note')).toBeVisible();
    const consoleCard = page.getByRole('region', { name: 'Console-wide' });
    await expect(consoleCard.getByTestId('license-status')).toContainText('free edition');

    await consoleCard.getByRole('button', { name: 'Install license' }).click();
    await consoleCard
      .getByLabel(/License file \(paste/)
      .fill(
        issue(
          '--edition',
          'standard',
          '--licensee',
          'E2E Ltd',
          '--running-containers',
          '7',
          '--days',
          '30',
        ),
      );
    await consoleCard.getByRole('button', { name: 'Install', exact: true }).click();
    await expect(page.getByRole('status').filter({ hasText: 'License installed' })).toBeVisible();
    await expect(consoleCard.getByTestId('license-status')).toContainText('valid');
    await expect(consoleCard).toContainText('standard edition for E2E Ltd');
    await expect(consoleCard).toContainText('30 days left');
    await expect(
      consoleCard.getByRole('progressbar', { name: /Running containers: \d+ of 7/ }),
    ).toBeVisible();

    // A tampered file: one byte of the payload changed after signing.
    const tampered = issue('--running-containers', '1').replace(
      '"runningContainers": 1',
      '"runningContainers": 9',
    );
    await consoleCard.getByRole('button', { name: 'Update license' }).click();
    await consoleCard.getByLabel(/License file \(paste/).fill(tampered);
    await consoleCard.getByRole('button', { name: 'Update', exact: true }).click();
    await expect(page.getByRole('alert').filter({ hasText: 'not installed' })).toContainText(
      'invalid signature',
    );
    await consoleCard.getByRole('button', { name: 'Cancel' }).click();

    const hostCard = page.getByRole('region', { name: /^Host / }).first();
    await hostCard.getByRole('button', { name: 'Install license' }).click();
    await hostCard.getByLabel('License file', { exact: true }).setInputFiles({
      name: 'host.lic',
      mimeType: 'text/plain',
      buffer: Buffer.from(
        issue('--scope', 'host', '--edition', 'host-pro', '--days=-2', '--grace', '5'),
      ),
    });
    await hostCard.getByRole('button', { name: 'Install', exact: true }).click();
    await expect(hostCard.getByTestId('license-status')).toContainText('in grace');
    await expect(hostCard).toContainText('host-pro edition');
    await expect(hostCard).toContainText('Limits from this host’s license');
    await keepScreenshot(page, testInfo, 'licenses');
    await expectAccessible(page);

    await hostCard.getByRole('button', { name: 'Remove' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Remove' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'License removed' })).toBeVisible();
    await expect(hostCard).toContainText('Limits from the console-wide license');
  });
});
