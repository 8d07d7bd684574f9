// Checks the packaged .vsix the way a user gets it: `code-server --install-extension mnemo.vsix`
// into an empty extensions dir, open the workbench in chromium (no development path, no test
// payload), and read mnemo's status bar item and the Show Status command from the page.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { removeTmpDir, sleep, startCodeServer, type CodeServer } from './code-server';
import { launchChromium, type Browser, type Page } from './playwright';
import { CheckList } from './check-list';
import type { Tally } from './tally';

export interface VsixCheckOptions {
  readonly vsix: string;
  readonly workspace: string;
  readonly screenshot?: string;
}

const STATUS_ITEM = '[aria-label^="mnemo: onnxruntime"]';

export async function checkInstalledVsix(options: VsixCheckOptions): Promise<Tally> {
  const checks = new CheckList();
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  try {
    server = await checks.run('code-server --install-extension installs the .vsix', async () => {
      const s = await startCodeServer({ workspace: options.workspace, installVsix: [options.vsix] });
      const installed = fs.readdirSync(s.extensionsDir).find(d => d.startsWith('mnemo.mnemo-'));
      if (!installed) throw new Error(`no mnemo.mnemo-* in ${fs.readdirSync(s.extensionsDir).join(', ')}`);
      const binding = path.join(
        s.extensionsDir,
        installed,
        'node_modules',
        'onnxruntime-node',
        'bin',
        'napi-v6',
        process.platform,
        process.arch,
        'onnxruntime_binding.node',
      );
      if (!fs.existsSync(binding)) throw new Error(`the installed extension has no ${path.relative(s.extensionsDir, binding)}`);
      return s;
    });
    if (!server) return checks.tally(3);
    const url = server.workspaceUrl();
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(url);
    await page.waitForSelector('.monaco-workbench', { timeout: 120_000 });

    await checks.run('the installed extension activates on startup (its status bar item appears)', async () => {
      await page.waitForSelector(STATUS_ITEM, { timeout: 60_000 });
    });
    await checks.run('its status bar item says onnxruntime is ready (the shipped native addon ran a graph)', async () => {
      const label = await waitForSettledLabel(page, 60_000);
      if (!label?.startsWith('mnemo: onnxruntime ready')) throw new Error(`status bar says "${label}"`);
    });
    await checks.run('"mnemo: Show Status" runs from the command palette', async () => {
      await page.keyboard.press('F1');
      await page.waitForSelector('.quick-input-widget input', { timeout: 10_000 });
      await page.keyboard.type('mnemo: Show Status', { delay: 20 });
      await page.waitForSelector('.quick-input-list .monaco-list-row[aria-label*="mnemo: Show Status"]', { timeout: 10_000 });
      await page.keyboard.press('Enter');
      // Toasts are not drawn headless; the screen-reader alert carries the same message.
      await page.waitForFunction(
        `[...document.querySelectorAll('.monaco-alert, .notification-list-item-message')].some(e => /ran a test graph/.test(e.textContent || ''))`,
        undefined,
        { timeout: 20_000 },
      );
    });
    if (options.screenshot) await page.screenshot({ path: options.screenshot }).catch(() => undefined);
  } catch (e) {
    checks.fail('the workbench opens with the installed extension', e);
  } finally {
    await browser?.close().catch(() => undefined);
    if (server) {
      if (checks.failed > 0) console.log(`--- code-server log (tail) ---\n${server.logTail()}`);
      await server.stop();
      removeTmpDir(server);
    }
  }
  return checks.tally(0);
}

/** The status item reads "checking" while the self-check runs; wait for ready or failed. */
async function waitForSettledLabel(page: Page, timeoutMs: number): Promise<string | null> {
  const deadline = Date.now() + timeoutMs;
  let label: string | null = null;
  while (Date.now() < deadline) {
    label = await page.locator(STATUS_ITEM).first().getAttribute('aria-label', { timeout: 5_000 });
    if (label && !label.includes('checking')) return label;
    await sleep(250);
  }
  return label;
}
