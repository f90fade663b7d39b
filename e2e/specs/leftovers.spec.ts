import { expect, test } from '../helpers/test.js';
import type { Host, Leftover } from '@berth/contracts';
import { expectAccessible, keepScreenshot, login } from '../helpers/session.js';

const image: Leftover = {
  id: 'ct-101-image-e2e',
  kind: 'container-image',
  description: 'disk image of CT 101',
  path: '/var/lib/berth/agent/quarantine/ct-101-image-e2e/101.img',
  sizeBytes: 50 * 1024 * 1024,
  foundAt: new Date(Date.now() - 5 * 60_000).toISOString(),
};

test('the host card shows leftovers under "Needs attention" and deletes one after confirming', async ({
  page,
}, testInfo) => {
  // The real agent has nothing quarantined on a clean test host; the page is shown one leftover
  // in the host's facts, and the delete is checked to reach the API's route.
  let leftovers = [image];
  const deleted: string[] = [];
  await page.route('**/api/v1/hosts', async (route) => {
    const res = await route.fetch();
    const body = (await res.json()) as { items: Host[] };
    for (const h of body.items) if (h.facts) h.facts.leftovers = leftovers;
    await route.fulfill({ response: res, json: body });
  });
  await page.route('**/api/v1/hosts/*/leftovers/*', async (route) => {
    deleted.push(`${route.request().method()} ${new URL(route.request().url()).pathname}`);
    leftovers = [];
    await route.fulfill({ status: 204 });
  });

  await login(page);
  const attention = page.getByRole('region', { name: 'Needs attention on local' });
  await expect(attention).toBeVisible();
  await expect(attention).toContainText('disk image of CT 101');
  await expect(attention).toContainText(image.path);
  await expect(attention).toContainText('50 MiB');
  await expect(attention).toContainText('5 minutes ago');
  await expect(page.getByRole('region', { name: 'Needs attention', exact: true })).toContainText(
    'Host local holds 1 leftover of interrupted work',
  );
  await keepScreenshot(page, testInfo, 'dashboard-needs-attention');
  await expectAccessible(page);

  await attention.getByRole('button', { name: 'Delete disk image of CT 101' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText(image.path);
  await dialog.getByRole('button', { name: 'Delete' }).click();
  await expect(attention).toHaveCount(0);
  await expect(page.getByRole('region', { name: 'Needs attention', exact: true })).toContainText(
    'Nothing is failing.',
  );
  expect(deleted).toHaveLength(1);
  expect(deleted[0]).toMatch(/^DELETE \/api\/v1\/hosts\/[^/]+\/leftovers\/ct-101-image-e2e$/);
});
