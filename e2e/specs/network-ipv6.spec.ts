import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { expect, test } from '../helpers/test.js';
import { type APIRequestContext } from '@playwright/test';
import type { Instance } from '@berth/contracts';
import { createInstance, removeInstance } from '../helpers/instances.js';
import {
  adminApi,
  expectAccessible,
  keepScreenshot,
  login,
  uniqueName,
} from '../helpers/session.js';

/** A network with IPv6 turns on the host's forwarding: put back as found after the spec. */
const SYSCTL = '/proc/sys/net/ipv6/conf';
const sysctls = () =>
  new Map(
    readdirSync(SYSCTL).flatMap((dev) =>
      ['forwarding', 'accept_ra'].map((k) => {
        const file = `${SYSCTL}/${dev}/${k}`;
        return [file, readFileSync(file, 'utf8')] as const;
      }),
    ),
  );

/**
 * IPv6 in the web UI: the network form refuses a bad IPv6 gateway and takes a ULA one, the
 * network's page shows it and its container's IPv6, and the container's Network tab lists it.
 */
test.describe.serial('network IPv6', () => {
  let api: APIRequestContext;
  const net = uniqueName('e2e6');
  const o = 20 + Math.floor(Math.random() * 200);
  const v6 = `fd42:${o.toString(16)}:e2e::1/64`;
  const saved = sysctls();
  let ct: Instance | undefined;

  test.beforeAll(async ({ baseURL }) => {
    api = await adminApi(baseURL!);
  });
  test.afterAll(async () => {
    await removeInstance(api, ct);
    await api.delete(`/api/v1/networks/${net}`);
    await api.dispose();
    const order = (k: string) => (!k.endsWith('forwarding') ? 0 : k.includes('/all/') ? 1 : 2);
    for (const key of [...saved.keys()].sort((a, b) => order(a) - order(b))) {
      try {
        if (readFileSync(key, 'utf8') !== saved.get(key)) writeFileSync(key, saved.get(key)!);
      } catch {
        // an interface gone since
      }
    }
  });

  test('the form takes an IPv6 gateway; the page and the Network tab show the addresses', async ({
    page,
  }, testInfo) => {
    await login(page);
    await page.goto('/networks/');
    const form = page.getByRole('form', { name: 'New network' });
    await form.getByLabel('Name').fill(net);
    await form.getByLabel('Gateway address').fill(`10.221.${o}.1/24`);
    await form.getByLabel('IPv6 gateway').fill('fe80::1/64');
    await form.getByRole('button', { name: 'Create network' }).click();
    await expect(form.getByText('a unique-local (fc00::/7) or global')).toBeVisible();
    await form.getByLabel('IPv6 gateway').fill(v6);
    await form.getByRole('button', { name: 'Create network' }).click();
    const row = page
      .getByRole('region', { name: 'Networks table' })
      .getByRole('row')
      .filter({ hasText: net });
    await expect(row).toBeVisible({ timeout: 30_000 });

    ct = await createInstance(api, {
      template: 'busybox',
      name: uniqueName('e2e6ct'),
      network: net,
    });
    expect(ct.nics[0]?.ipv6).toBe(v6.replace('::1/', '::2/'));
    await row.getByRole('link', { name: net, exact: true }).click();
    await expect(page.getByRole('heading', { name: `Network ${net}` })).toBeVisible();
    await expect(page.getByText(v6).first()).toBeVisible();
    const members = page.getByRole('region', { name: `Instances on ${net} table` });
    await expect(members.getByRole('row').filter({ hasText: ct.name })).toContainText(
      v6.replace('::1/', '::2/'),
    );
    await keepScreenshot(page, testInfo, 'network-ipv6');
    await expectAccessible(page);

    await page.goto(`/instances/view/?id=${ct.id}&tab=network`);
    await expect(page.getByText(v6.replace('::1/', '::2/'))).toBeVisible();
    await keepScreenshot(page, testInfo, 'network-tab-ipv6');
  });
});
