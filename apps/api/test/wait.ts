/**
 * Polls until `fn` gives something truthy, and returns it; tests wait on conditions, never on
 * fixed sleeps. `fn` may throw to give up at once (a process that exited will not come up).
 */
export async function until<T>(
  what: string,
  fn: () => T | Promise<T>,
  ms = 15_000,
  everyMs = 100,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await fn();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
