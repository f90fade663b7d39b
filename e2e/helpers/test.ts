import { test as base } from '@playwright/test';

export { expect } from '@playwright/test';

/**
 * How an aborted load reads: the error itself, the error page that replaced the load, or the
 * app's own reload of the page after a script chunk failed to load for the same reason.
 */
const NETWORK_CHANGED = /ERR_NETWORK_CHANGED|interrupted by another navigation to "/;

/**
 * Playwright's test, with navigations that survive the host's network changing under them:
 * chromium aborts a load with ERR_NETWORK_CHANGED whenever an interface or address appears,
 * and the suite's own containers, taps and bridges come and go all the time. (The app reloads
 * itself for a failed chunk; a test's own page.goto/reload is retried here, twice at most.)
 */
export const test = base.extend({
  page: async ({ page }, use) => {
    const retried =
      <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
      async (...args: A): Promise<R> => {
        for (let attempt = 1; ; attempt++) {
          try {
            return await call(...args);
          } catch (err) {
            if (attempt >= 3 || !NETWORK_CHANGED.test(String(err))) throw err;
          }
        }
      };
    page.goto = retried(page.goto.bind(page));
    page.reload = retried(page.reload.bind(page));
    await use(page);
  },
});
