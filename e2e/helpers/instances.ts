import { expect, type APIRequestContext } from '@playwright/test';
import type { Instance, TaskAccepted } from '@berth/contracts';
import { ok } from './api.js';

/**
 * Builds a template into the shared cache unless it is there. A spec that reads a template's cache
 * must not rely on an earlier spec or node test having built it: run alone it would fail.
 */
export async function ensureTemplate(api: APIRequestContext, name: string): Promise<void> {
  const build = await api.post(`/api/v1/templates/${name}/build?sync=true`, {
    data: { rebuild: false },
  });
  expect(build.ok(), await build.text()).toBe(true);
  expect(((await build.json()) as TaskAccepted).task.status).toBe('succeeded');
}

/** Creates an instance synchronously (failing the set-up with the API's answer) and optionally starts it. */
export async function createInstance(
  api: APIRequestContext,
  data: Record<string, unknown>,
  { start = false }: { start?: boolean } = {},
): Promise<Instance> {
  const res = await api.post('/api/v1/instances?sync=true', { data });
  expect(res.ok(), await res.text()).toBe(true);
  const instance = ((await res.json()) as TaskAccepted).task.result as Instance;
  if (start) {
    const started = await api.post(`/api/v1/instances/${instance.id}/actions/start?sync=true`);
    expect(started.ok(), await started.text()).toBe(true);
  }
  return instance;
}

/** Force-deletes what a spec created; a set-up that failed before creating leaves nothing to remove. */
export async function removeInstance(
  api: APIRequestContext,
  instance: Instance | undefined,
): Promise<void> {
  if (instance) await api.delete(`/api/v1/instances/${instance.id}?force=true&sync=true`);
}

/** Creates and starts an instance, then reads it again so its state is the running one. */
export async function createRunning(
  api: APIRequestContext,
  body: Record<string, unknown>,
): Promise<Instance> {
  const created = await ok<TaskAccepted>(api.post('/api/v1/instances?sync=true', { data: body }));
  const id = created.task.instanceId!;
  await ok(api.post(`/api/v1/instances/${id}/actions/start?sync=true`, { data: {} }));
  return ok<Instance>(api.get(`/api/v1/instances/${id}`));
}
