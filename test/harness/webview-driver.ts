// Lets a test running in the extension host drive mnemo's webviews the way a user does. The
// extension host cannot reach into a webview's page, but the browser can: the test prints a
// `MNEMO_UI {json}` line (test/integration/webview-ui.ts), the harness sees it in the workbench's
// automation log, finds the webview's frame (its body has the class mnemo-chat / mnemo-inspector),
// (or takes the workbench page itself), clicks, types or presses a key there with Playwright, and writes the outcome to the file the
// request named, which the test is polling. Also reads the theme each webview was painted in.
import * as fs from 'node:fs';
import type { Frame, Page } from './playwright';

export const UI_MARKER = 'MNEMO_UI ';

export type UiRequest = {
  /** A mnemo webview, or the workbench page itself (its dialogs, for instance). */
  readonly view: 'chat' | 'inspector' | 'workbench';
  /** Where to write the UiOutcome (a path the extension host can read). */
  readonly resultFile: string;
} & (
  | { readonly action: 'click'; readonly selector: string }
  | { readonly action: 'fill'; readonly selector: string; readonly text: string }
  | { readonly action: 'press'; readonly selector: string; readonly key: string }
  | { readonly action: 'text'; readonly selector: string }
  /** Waits until the page's stylesheet applies (mnemo's CSS always sets the root's color-scheme). */
  | { readonly action: 'styled'; readonly selector: 'html' }
);

export type UiOutcome = { readonly ok: true; readonly text?: string } | { readonly ok: false; readonly error: string };

// Generous: on a loaded 2-core machine a new webview's first paint has taken over 20 s.
const ACTION_TIMEOUT_MS = 45_000;

export function parseUiRequest(line: string): UiRequest | undefined {
  if (!line.startsWith(UI_MARKER)) return undefined;
  try {
    const request = JSON.parse(line.slice(UI_MARKER.length)) as UiRequest;
    return typeof request.resultFile === 'string' && typeof request.selector === 'string' ? request : undefined;
  } catch {
    return undefined;
  }
}

/** Runs a request from the log, if the line is one; the outcome goes to its result file. */
export async function driveWebview(page: Page, line: string): Promise<void> {
  const request = parseUiRequest(line);
  if (!request) return;
  let outcome: UiOutcome;
  try {
    outcome = { ok: true, text: await perform(page, request) };
  } catch (e) {
    outcome = { ok: false, error: (e as Error).message.split('\n')[0] ?? String(e) };
  }
  // Written aside and renamed, so the polling side never reads half a file.
  fs.writeFileSync(`${request.resultFile}.partial`, JSON.stringify(outcome));
  fs.renameSync(`${request.resultFile}.partial`, request.resultFile);
}

async function perform(page: Page, request: UiRequest): Promise<string | undefined> {
  const frame = request.view === 'workbench' ? page : await webviewFrame(page, request.view, ACTION_TIMEOUT_MS);
  const target = frame.locator(request.selector).first();
  switch (request.action) {
    case 'click':
      await target.click({ timeout: ACTION_TIMEOUT_MS });
      return undefined;
    case 'fill':
      await target.fill(request.text, { timeout: ACTION_TIMEOUT_MS });
      return undefined;
    case 'press':
      await target.press(request.key, { timeout: ACTION_TIMEOUT_MS });
      return undefined;
    case 'text':
      return (await target.textContent({ timeout: ACTION_TIMEOUT_MS })) ?? '';
    case 'styled':
      if (!('evaluate' in frame)) throw new Error('"styled" is for a webview');
      for (const deadline = Date.now() + ACTION_TIMEOUT_MS; ;) {
        if (await frame.evaluate("getComputedStyle(document.documentElement).colorScheme !== 'normal'")) return undefined;
        if (Date.now() > deadline) throw new Error('the stylesheet did not apply');
        await new Promise(resolve => setTimeout(resolve, 200));
      }
  }
}

/** The frame holding mnemo's own document for a view (inside VS Code's webview host frame). */
export async function webviewFrame(page: Page, view: 'chat' | 'inspector', timeoutMs: number): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const frame of page.frames()) {
      const matches = await frame
        .evaluate(`document.body !== null && document.body.classList.contains('mnemo-${view}')`)
        .catch(() => false);
      if (matches === true) return frame;
    }
    if (Date.now() > deadline) throw new Error(`no ${view} webview in the page after ${timeoutMs / 1000} s`);
    await new Promise(resolve => setTimeout(resolve, 250));
  }
}

export interface PaintedTheme {
  readonly where: string;
  /** VS Code's theme class on the document (vs / vs-dark on the workbench, vscode-light / vscode-dark in a webview). */
  readonly themeClass: string;
  readonly colorScheme: string;
  readonly background: string;
}

/** The theme the workbench and each mnemo webview were painted in, for the screenshot harness to check. */
export async function paintedThemes(page: Page): Promise<PaintedTheme[]> {
  const probe = `(() => {
    const body = document.body;
    if (!body) return undefined;
    const workbench = document.querySelector('.monaco-workbench');
    const mnemo = [...body.classList].find(c => c.startsWith('mnemo-'));
    if (!workbench && !mnemo) return undefined;
    const themed = workbench ?? body;
    const themeClass = [...themed.classList].filter(c => /^(vs|vs-dark|hc-black|hc-light|vscode-(light|dark|high-contrast(-light)?))$/.test(c)).join(' ');
    const painted = workbench ?? body;
    return {
      where: workbench ? 'workbench' : mnemo,
      themeClass,
      colorScheme: getComputedStyle(document.documentElement).colorScheme,
      background: getComputedStyle(painted).backgroundColor,
    };
  })()`;
  const found: PaintedTheme[] = [];
  for (const frame of page.frames()) {
    const theme = (await frame.evaluate(probe).catch(() => undefined)) as PaintedTheme | undefined;
    if (theme) found.push(theme);
  }
  return found;
}
