import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import type { Task } from '@berth/contracts';
import type { Stack } from '@berth/api/harness';
import { CHROMIUM_ARGS } from '../e2e/chromium-args.js';

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

export async function timed<T>(work: () => Promise<T>): Promise<[number, T]> {
  const t0 = performance.now();
  const result = await work();
  return [performance.now() - t0, result];
}

/** An API call that must end in a succeeded task (with ?sync=true). */
export async function ok(stack: Stack, method: string, url: string, body?: unknown): Promise<Task> {
  const res = await stack.call<{ task: Task }>(method, url, body);
  if (res.status !== 200 || res.body.task.status !== 'succeeded') {
    throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(res.body)}`);
  }
  return res.body.task;
}

/** Debian's chromium, headless, without the background work that would blur a timing. */
const CHROMIUM = {
  executablePath: process.env.BERTH_CHROMIUM ?? '/usr/bin/chromium',
  args: CHROMIUM_ARGS,
};

export function launchChromium(): Promise<Browser> {
  return chromium.launch(CHROMIUM);
}

/**
 * The same chromium with a profile in `dir`, as an operator's browser has: a disk cache, and
 * with it V8's cache of compiled scripts, which Playwright's fresh contexts do not keep.
 */
export function launchChromiumProfile(
  dir: string,
  options: { baseURL: string; viewport: { width: number; height: number } },
): Promise<BrowserContext> {
  return chromium.launchPersistentContext(dir, { ...CHROMIUM, ...options });
}
