// activation_ms in a real VS Code: code-server (test/harness) with this folder linked in as an
// installed extension, the workbench open in headless chromium; once mnemo's status bar item shows
// (VS Code activated it on onStartupFinished), "Developer: Show Running Extensions" is opened and
// its figure for mnemo is read. That figure is VS Code's own: the time to load the extension's code
// plus the time its activate() call took (codeLoadingTime + activateCallTime of the extension host).

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { removeTmpDir, startCodeServer, type CodeServer } from '../../test/harness/code-server';
import { repoRoot, sampleWorkspace } from '../../test/harness/paths';
import { launchChromium, type Browser } from '../../test/harness/playwright';
import { ensureTools } from '../../test/harness/tools';
import { parseRunningExtensionTime } from './runningExtensionTime';

export type ActivationResult =
  | { readonly kind: 'measured'; readonly ms: number; readonly how: string; readonly detail: Record<string, number | string> }
  | { readonly kind: 'skipped'; readonly reason: string };

const STATUS_ITEM = '[aria-label^="mnemo: "]';

export async function measureActivation(log: (line: string) => void): Promise<ActivationResult> {
  try {
    ensureTools({ browser: true });
  } catch (e) {
    return { kind: 'skipped', reason: `no code-server/chromium: ${(e as Error).message}` };
  }
  const build = spawnSync(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'scripts', 'build.ts')], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  if (build.status !== 0) log(`build failed, measuring the existing dist/: ${build.stderr.slice(-300)}`);
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'mnemo-bench-ws-'));
  fs.cpSync(sampleWorkspace, workspace, { recursive: true });
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  try {
    server = await startCodeServer({ workspace, linkExtensions: [repoRoot] });
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const opened = performance.now();
    await page.goto(server.workspaceUrl());
    await page.waitForSelector('.monaco-workbench', { timeout: 120_000 });
    await page.waitForSelector(STATUS_ITEM, { timeout: 60_000 });
    const untilStatusItem = performance.now() - opened;
    log(`workbench open and mnemo's status item shown ${untilStatusItem.toFixed(0)} ms after navigation`);
    await page.keyboard.press('F1');
    await page.waitForSelector('.quick-input-widget input', { timeout: 10_000 });
    await page.keyboard.type('Developer: Show Running Extensions', { delay: 10 });
    await page.waitForSelector('.quick-input-list .monaco-list-row[aria-label*="Show Running Extensions"]', { timeout: 10_000 });
    await page.keyboard.press('Enter');
    const row = (await page.waitForFunction(
      `(() => { const row = [...document.querySelectorAll('.runtime-extensions-editor .monaco-list-row')].find(r => /\\bmnemo\\b/.test(r.querySelector('.name')?.textContent || '')); const t = row?.querySelector('.activation-time'); return t && /\\d/.test(t.textContent || '') ? (t.textContent + '|' + (t.getAttribute('title') || t.parentElement?.getAttribute('title') || '')) : null; })()`,
      undefined,
      { timeout: 20_000, polling: 250 },
    )) as { jsonValue(): Promise<string> };
    const text = await row.jsonValue();
    const parsed = parseRunningExtensionTime(text.split('|')[0]!);
    if (parsed === null) return { kind: 'skipped', reason: `could not read the running extensions view: "${text}"` };
    return {
      kind: 'measured',
      ms: parsed,
      how: 'VS Code (code-server 4.139) Running Extensions view: extension code loading + activate() call',
      detail: { status_item_after_navigation_ms: Math.round(untilStatusItem) },
    };
  } catch (e) {
    return { kind: 'skipped', reason: `code-server run failed: ${(e as Error).message.split('\n')[0]}` };
  } finally {
    await browser?.close().catch(() => undefined);
    if (server) {
      await server.stop();
      removeTmpDir(server);
    }
    fs.rmSync(workspace, { recursive: true, force: true });
  }
}
