import { type APIRequestContext, type Page } from '@playwright/test';
import type { Instance } from '@berth/contracts';
import { createInstance, ensureTemplate } from './instances.js';
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
  await ensureTemplate(api, 'tiny-linux');
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
