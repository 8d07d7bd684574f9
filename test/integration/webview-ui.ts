// The extension-host half of driving mnemo's webviews like a user (the harness half is
// test/harness/webview-driver.ts): print a request on the console, which reaches the harness
// through the workbench's automation log; the harness clicks or types in the webview with
// Playwright and writes the outcome to a file this side polls. Where no harness drives the page
// (desktop VS Code through @vscode/test-electron), `uiDriverAvailable` says so and the UI steps skip.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UI_MARKER, type UiOutcome, type UiRequest } from '../harness/webview-driver';

type Action = UiRequest extends infer R ? (R extends UiRequest ? Omit<R, 'resultFile' | 'view'> : never) : never;

let requests = 0;

/** Performs one action in a webview; throws with the harness's reason when it fails. */
export async function inWebview(view: UiRequest['view'], action: Action, timeoutMs = 100_000): Promise<string | undefined> {
  const resultFile = path.join(os.tmpdir(), `mnemo-ui-${process.pid}-${++requests}.json`);
  console.log(`${UI_MARKER}${JSON.stringify({ ...action, view, resultFile })}`);
  const deadline = Date.now() + timeoutMs;
  while (!fs.existsSync(resultFile)) {
    if (Date.now() > deadline)
      throw new Error(`no UI driver answered "${action.action} ${action.selector}" in the ${view} webview within ${timeoutMs / 1000} s`);
    await new Promise(resolve => setTimeout(resolve, 100));
  }
  const outcome = JSON.parse(fs.readFileSync(resultFile, 'utf8')) as UiOutcome;
  fs.rmSync(resultFile, { force: true });
  if (!outcome.ok) throw new Error(`${action.action} "${action.selector}" in the ${view} webview: ${outcome.error}`);
  return outcome.text;
}

let available: Promise<boolean> | undefined;

/** Whether a harness answers UI requests here (asked once: the chat webview's body exists). */
export function uiDriverAvailable(): Promise<boolean> {
  available ??= inWebview('chat', { action: 'text', selector: 'body' }, 60_000).then(
    () => true,
    () => false,
  );
  return available;
}

/** Polls until `probe` returns a value other than undefined. */
export async function eventually<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 200));
  }
}
