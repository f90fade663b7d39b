import { expect, type APIRequestContext, type Page } from '@playwright/test';
import type { Instance, TaskAccepted } from '@berth/contracts';
import { createInstance } from './instances.js';
import { login, uniqueName } from './session.js';

/**
 * A 128 MiB VM on the tiny guest (its template built first if missing), with more disks after
 * the template's when given, started when asked: the set-up of the specs about a VM's tabs.
 */
export async function createTinyVm(
  api: APIRequestContext,
  prefix: string,
  {
    moreDisks = [],
    start = false,
  }: { moreDisks?: Record<string, unknown>[]; start?: boolean } = {},
): Promise<Instance> {
  const build = await api.post('/api/v1/templates/tiny-linux/build?sync=true', {
    data: { rebuild: false },
  });
  expect(build.ok(), await build.text()).toBe(true);
  expect(((await build.json()) as TaskAccepted).task.status).toBe('succeeded');
  return createInstance(
    api,
    {
      kind: 'vm',
      name: uniqueName(prefix),
      memoryMiB: 128,
      disks: [{ template: 'tiny-linux' }, ...moreDisks],
    },
    { start },
  );
}

/** Logs in and opens one tab of an instance's page. */
export async function openInstanceTab(page: Page, instance: Instance, tab: string): Promise<void> {
  await login(page);
  await page.goto(`/instances/view/?id=${instance.id}&tab=${tab}`);
}
