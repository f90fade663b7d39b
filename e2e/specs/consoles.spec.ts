import { execFileSync } from 'node:child_process';
import { expect, test } from '../helpers/test.js';
import { type APIRequestContext, type Locator, type Page } from '@playwright/test';
import type { ExecResult, Instance } from '@berth/contracts';
import {
  adminApi,
  expectAccessible,
  keepScreenshot,
  login,
  uniqueName,
} from '../helpers/session.js';
import { ok } from '../helpers/api.js';
import { createRunning, removeInstance } from '../helpers/instances.js';
import { typeLine } from '../helpers/terminal.js';

/** One VM and one container for the whole file: booting them is the slow part. */
let api: APIRequestContext;
let vm: Instance;
let ct: Instance;

const exec = (id: string, command: string[]) =>
  ok<ExecResult>(api.post(`/api/v1/instances/${id}/exec`, { data: { command } }));

/** The text xterm.js shows (its DOM renderer), lines joined by newlines. */
const terminalText = (terminal: Locator) => terminal.locator('.xterm-rows').innerText();

/** `stty size` answers "rows cols"; the last such line is the newest answer. */
async function sttySize(page: Page, terminal: Locator): Promise<string> {
  await typeLine(page, terminal, 'stty size');
  let size = '';
  await expect
    .poll(async () => {
      const lines = (await terminalText(terminal)).split('\n').map((l) => l.trim());
      size = lines.filter((l) => /^\d+ \d+$/.test(l)).pop() ?? '';
      return size;
    })
    .not.toBe('');
  return size;
}

/** lxc-attach processes of the e2e stack's container with this CT ID. */
function attachProcesses(ctid: number): string[] {
  try {
    return execFileSync(
      'pgrep',
      ['-a', '-f', `lxc-attach -P [^ ]*berth-e2e-[^ ]*/lxc -n ${ctid} `],
      { encoding: 'utf8' },
    )
      .split('\n')
      .filter(Boolean);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

test.describe.serial('consoles', () => {
  test.beforeAll(async ({ baseURL }) => {
    test.setTimeout(240_000);
    api = await adminApi(baseURL!);
    [vm, ct] = await Promise.all([
      createRunning(api, {
        kind: 'vm',
        name: uniqueName('e2econvm'),
        memoryMiB: 256,
        disks: [{ template: 'tiny-linux' }],
      }),
      createRunning(api, { kind: 'ct', name: uniqueName('e2econct'), template: 'busybox' }),
    ]);
  });

  test.afterAll(async () => {
    for (const i of [vm, ct]) await removeInstance(api, i);
    await api?.dispose();
  });

  test('VM: the serial console, then the screen in noVNC matches the screenshot API', async ({
    page,
  }, testInfo) => {
    await login(page);
    await page.goto(`/instances/view/?id=${vm.id}&tab=console`);
    await page.getByRole('button', { name: 'Serial', exact: true }).click();
    const serial = page.getByRole('region', { name: `Serial console of ${vm.name}` });
    // getty on ttyS0 prompts once the guest is up; TCG takes a while.
    await expect(serial.locator('.xterm-rows')).toContainText('login:', { timeout: 120_000 });

    await page.getByRole('button', { name: 'Screen', exact: true }).click();
    const screen = page.getByRole('region', { name: `Screen of ${vm.name}` });
    await expect(screen.getByRole('status')).toHaveText('Connected');
    const canvas = screen.locator('canvas');
    await expect(canvas).toBeVisible();

    // Both pictures drawn to one small size; a blank or a different screen fails both bounds.
    const compare = () =>
      page.evaluate(async (id) => {
        const c = document.querySelector<HTMLCanvasElement>('[role=application] canvas')!;
        const img = new Image();
        img.src = `/api/v1/instances/${id}/screenshot?t=${Date.now()}`;
        await img.decode();
        const [w, h] = [320, 240];
        const pixels = (src: CanvasImageSource) => {
          const x = Object.assign(document.createElement('canvas'), { width: w, height: h });
          const g = x.getContext('2d')!;
          g.drawImage(src, 0, 0, w, h);
          return g.getImageData(0, 0, w, h).data;
        };
        const [a, b] = [pixels(c), pixels(img)];
        let diff = 0;
        let lit = 0;
        for (let i = 0; i < a.length; i += 4) {
          for (let k = 0; k < 3; k++) diff += Math.abs(a[i + k]! - b[i + k]!);
          if (a[i]! + a[i + 1]! + a[i + 2]! > 150) lit++;
        }
        return {
          meanDiff: diff / (w * h * 3),
          lit: lit / (w * h),
          sameSize: c.width === img.naturalWidth && c.height === img.naturalHeight,
        };
      }, vm.id);
    // A blank canvas has nothing lit; a wrong one differs from the screenshot on average.
    let last = { meanDiff: NaN, lit: NaN, sameSize: false };
    await expect
      .poll(
        async () => {
          last = await compare();
          return last.sameSize && last.lit > 0.01 && last.meanDiff < 3;
        },
        { timeout: 30_000, message: 'the canvas should show what the screenshot shows' },
      )
      .toBe(true);
    testInfo.annotations.push({ type: 'screen comparison', description: JSON.stringify(last) });

    await keepScreenshot(page, testInfo, 'vm-screen');
    await expectAccessible(page);
  });

  test('VM: "Type text" logs in on tty1 and runs a command', async ({ page }, testInfo) => {
    await login(page);
    await page.goto(`/instances/view/?id=${vm.id}&tab=console`);
    const screen = page.getByRole('region', { name: `Screen of ${vm.name}` });
    await expect(screen.getByRole('status')).toHaveText('Connected');

    const type = async (text: string) => {
      await screen.getByRole('button', { name: 'Type text…' }).click();
      const dialog = page.getByRole('dialog', { name: 'Type text into the VM' });
      await dialog.getByLabel('Guest keyboard layout').selectOption('us');
      await dialog.getByLabel('Text to type').fill(text);
      await dialog.getByRole('button', { name: 'Type', exact: true }).click();
      await expect(dialog).toBeHidden({ timeout: 30_000 });
    };
    // Busybox's login asks for no password for root on the console.
    await type('root\n');
    const n = 1000 + Math.floor(Math.random() * 9000);
    // The shell computes the number, so seeing it proves the keys (with Shift) arrived.
    await type(`echo "typed-$((${n}+1))" > /tmp/typed.txt\n`);
    await expect
      .poll(async () => (await exec(vm.id, ['cat', '/tmp/typed.txt'])).stdout, {
        timeout: 30_000,
      })
      .toBe(`typed-${n + 1}\n`);

    // A character the layout lacks is named before anything is typed.
    await screen.getByRole('button', { name: 'Type text…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Type text into the VM' });
    await dialog.getByLabel('Text to type').fill('ä');
    await expect(dialog.getByText('cannot type this character: ä')).toBeVisible();
    await keepScreenshot(page, testInfo, 'type-text');
    await dialog.getByRole('button', { name: 'Cancel' }).click();

    // Latching modifiers show their state.
    const ctrl = screen.getByRole('button', { name: 'Ctrl', exact: true });
    await ctrl.click();
    await expect(ctrl).toHaveAttribute('aria-pressed', 'true');
    await ctrl.click();
    await expect(ctrl).toHaveAttribute('aria-pressed', 'false');
  });

  test('container: a shell runs commands, survives a reload with its scrollback, follows resizes', async ({
    page,
  }, testInfo) => {
    await login(page);
    await page.goto(`/instances/view/?id=${ct.id}&tab=console`);
    const shells = page.getByRole('list', { name: 'Shells' });
    await expect(shells.getByRole('button', { name: 'Shell 1', exact: true })).toBeVisible();
    const shell1 = page.getByRole('region', { name: `Shell 1 of ${ct.name}` });
    await expect(shell1.getByRole('status')).toHaveText('Connected');

    const n = 1000 + Math.floor(Math.random() * 9000);
    await typeLine(page, shell1, `echo berth-$((${n}+1))`);
    await expect(shell1.locator('.xterm-rows')).toContainText(`berth-${n + 1}`);
    await keepScreenshot(page, testInfo, 'ct-shell');
    await expectAccessible(page);

    // The same session after a reload: one tab, and what it printed is back.
    await page.reload();
    await expect(shell1.getByRole('status')).toHaveText('Connected');
    await expect(shells.getByRole('listitem')).toHaveCount(1);
    await expect(shell1.locator('.xterm-rows')).toContainText(`berth-${n + 1}`);

    const before = await sttySize(page, shell1);
    await page.setViewportSize({ width: 900, height: 640 });
    await expect.poll(() => sttySize(page, shell1)).not.toBe(before);

    // A second shell that exits says so and offers a new one; a third is ended by its tab.
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.getByRole('button', { name: '+ New shell' }).click();
    const shell2 = page.getByRole('region', { name: `Shell 2 of ${ct.name}` });
    await expect(shell2.getByRole('status')).toHaveText('Connected');
    await typeLine(page, shell2, 'exit 3');
    await expect(shell2.getByText('Session ended (exit code 3)')).toBeVisible();
    await shell2.getByRole('button', { name: 'New shell' }).click();
    const shell3 = page.getByRole('region', { name: `Shell 3 of ${ct.name}` });
    await expect(shell3.getByRole('status')).toHaveText('Connected');
    await shells.getByRole('button', { name: 'End Shell 3' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'End shell' }).click();
    await expect(shells.getByRole('button', { name: 'Shell 3', exact: true })).toHaveCount(0);

    await page.emulateMedia({ colorScheme: 'dark' });
    await page.reload();
    await expect(shell1.getByRole('status')).toHaveText('Connected');
    await keepScreenshot(page, testInfo, 'ct-shell-dark');
  });

  test('closing the browser tab leaves no lxc-attach behind once the detach grace ends', async ({
    browser,
  }) => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await login(page);
    await page.goto(`/instances/view/?id=${ct.id}&tab=console`);
    await expect(
      page.getByRole('region', { name: `Shell 1 of ${ct.name}` }).getByRole('status'),
    ).toHaveText('Connected');
    expect(attachProcesses(ct.ctid!).length).toBeGreaterThan(0);
    // The previous test's shells were left detached too: all of them must go.
    await page.close();
    await context.close();
    await expect.poll(() => attachProcesses(ct.ctid!), { timeout: 45_000 }).toEqual([]);
  });

  test('share links: a view-only link opens the screen without a login, until revoked', async ({
    page,
    browser,
  }, testInfo) => {
    await login(page);
    await page.goto(`/instances/view/?id=${vm.id}&tab=console`);
    const screen = page.getByRole('region', { name: `Screen of ${vm.name}` });
    await screen.getByRole('button', { name: 'Share…' }).click();
    const dialog = page.getByRole('dialog', { name: `Share the console of ${vm.name}` });
    await dialog.getByLabel('View only').check();
    await dialog.getByLabel('Expires after (minutes)').fill('30');
    await dialog.getByRole('button', { name: 'Create link' }).click();
    const url = await dialog.getByRole('textbox', { name: 'Share link' }).inputValue();
    expect(url).toMatch(/\/share\/#.+/);
    await keepScreenshot(page, testInfo, 'share-dialog');
    await expectAccessible(page);
    await dialog.getByRole('button', { name: 'Close' }).click();

    const guest = await browser.newContext();
    const shared = await guest.newPage();
    await shared.goto(url);
    await expect(shared.getByRole('heading', { name: `Shared console: ${vm.name}` })).toBeVisible();
    await expect(shared.getByText('View only')).toBeVisible();
    const sharedScreen = shared.getByRole('region', { name: `Screen of ${vm.name}` });
    await expect(sharedScreen.getByRole('status')).toHaveText('Connected');
    await expect(sharedScreen.locator('canvas')).toBeVisible();
    await expect(sharedScreen.getByRole('button', { name: 'Ctrl+Alt+Del' })).toHaveCount(0);
    await keepScreenshot(shared, testInfo, 'share-page');
    await expectAccessible(shared);

    await screen.getByRole('button', { name: 'Share…' }).click();
    const row = dialog.getByRole('row').filter({ hasText: 'View only' });
    await expect(row.getByRole('cell').nth(2)).toHaveText('1');
    await row.getByRole('button', { name: /Revoke/ }).click();
    await page
      .getByRole('dialog', { name: 'Revoke this link?' })
      .getByRole('button', { name: 'Revoke' })
      .click();
    await expect(row).toContainText('revoked');

    // Revoking ends the open console, and the link no longer opens.
    await expect(sharedScreen.getByRole('status')).toContainText('Disconnected', {
      timeout: 15_000,
    });
    // The header follows: the link is said to be revoked, no longer "expires in 30 minutes".
    await expect(shared.getByRole('status').filter({ hasText: 'Link revoked' })).toBeVisible();
    await expect(shared.getByText(/Link expires/)).toHaveCount(0);
    await shared.reload();
    await expect(shared.getByText('This link cannot be opened')).toBeVisible();
    await guest.close();
  });

  test('run a command, see a running VM in the list, and the console at phone width', async ({
    page,
  }, testInfo) => {
    await login(page);
    await page.goto(`/instances/view/?id=${ct.id}`);
    await page.getByRole('textbox', { name: 'Command' }).fill(`sh -c 'echo out-$((2+3)); exit 4'`);
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await expect(page.getByText('exit code 4')).toBeVisible();
    await expect(page.getByRole('region', { name: 'Standard output' })).toHaveText('out-5\n');

    await page.goto('/instances/');
    const thumb = page.getByRole('img', { name: `Screen of ${vm.name}` });
    await expect(thumb).toBeVisible();
    await expect
      .poll(() => thumb.evaluate((img: HTMLImageElement) => img.naturalWidth))
      .toBeGreaterThanOrEqual(640);
    // Hovering shows the same picture large enough to read a login prompt, inside the window.
    await thumb.hover();
    const preview = page.locator('img[data-preview]');
    await expect(preview).toBeVisible();
    const box = (await preview.boundingBox())!;
    expect(box.width).toBeGreaterThanOrEqual(480);
    expect(box.x + box.width).toBeLessThanOrEqual(1280);
    await keepScreenshot(page, testInfo, 'thumbnail-preview');
    await page.mouse.move(0, 0);
    await expect(preview).toHaveCount(0);
    const first = await thumb.getAttribute('src');
    await expect.poll(() => thumb.getAttribute('src'), { timeout: 15_000 }).not.toBe(first);

    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`/instances/view/?id=${vm.id}&tab=console`);
    await expect(
      page.getByRole('region', { name: `Screen of ${vm.name}` }).getByRole('status'),
    ).toHaveText('Connected');
    await keepScreenshot(page, testInfo, 'vm-console-phone');
  });
});
