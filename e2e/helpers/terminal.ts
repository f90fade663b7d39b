import type { Locator, Page } from '@playwright/test';

/** Types into the focused terminal, the way a person does. */
export async function typeLine(page: Page, terminal: Locator, line: string) {
  await terminal.locator('.xterm-screen').click();
  await page.keyboard.type(`${line}\n`);
}
