import { expect, type APIResponse } from '@playwright/test';

/** Awaits a call, fails the test with the URL, status and body unless it succeeded, and returns its JSON. */
export async function ok<T>(res: Promise<APIResponse>): Promise<T> {
  const r = await res;
  expect(r.ok(), `${r.url()}: ${r.status()} ${await r.text()}`).toBe(true);
  return (r.status() === 204 ? undefined : await r.json()) as T;
}
