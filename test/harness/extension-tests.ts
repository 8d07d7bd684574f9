// Runs the integration suite (test/integration, bundled to out/) inside a real VS Code: code-server
// serves the workbench, headless chromium opens it with a payload that names the extension under
// development and the tests, the way VS Code runs its own browser integration tests. The suite's
// console output and exit code come back through window.codeAutomationLog / codeAutomationExit.
import * as util from 'node:util';
import { startCodeServer, removeTmpDir, sleep } from './code-server';
import { launchChromium, type Browser } from './playwright';
import { parseExtensionHostResult, type Tally } from './tally';
import { driveWebview } from './webview-driver';

export interface ExtensionTestsOptions {
  readonly extensionDevelopmentPath: string;
  readonly extensionTestsPath: string;
  readonly workspace: string;
  readonly timeoutMs: number;
  readonly screenshot?: string;
  readonly verbose?: boolean;
}

export interface ExtensionTestsResult {
  /** undefined when the suite never reported (it crashed, or the workbench never started it). */
  readonly tally: Tally | undefined;
  readonly exitCode: number;
}

// Workbench chatter about services that are unreachable offline (marketplace, chat, GitHub).
const NOISE = /^\[(AgentHost|ChatModelSelection|AccountPolicyGate)|ENOTFOUND|Timed out waiting for authentication provider|^(Resolving connection token|Resolved connection token|Creating a socket|Updating additional builtin|\[reconnection-grace-time\]|\[Service Worker\])/;

export async function runExtensionTests(options: ExtensionTestsOptions): Promise<ExtensionTestsResult> {
  const started = Date.now();
  const elapsed = (): string => `${((Date.now() - started) / 1000).toFixed(1)} s`;
  const server = await startCodeServer({ workspace: options.workspace, enableTestPayload: true });
  let browser: Browser | undefined;
  let tally: Tally | undefined;
  let exitCode = 1;
  try {
    log(`code-server up on ${server.baseUrl} after ${elapsed()}`);
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    let reportExit: (code: number) => void = () => undefined;
    const exited = new Promise<number>(resolve => { reportExit = resolve; });
    await page.exposeFunction('codeAutomationExit', (code: number) => reportExit(code));
    await page.exposeFunction('codeAutomationLog', (_type: string, args: unknown) => {
      const line = util.format(...(Array.isArray(args) ? args : [args]));
      tally = parseExtensionHostResult(line) ?? tally;
      // A test asking to click or type in a webview (test/integration/webview-ui.ts).
      void driveWebview(page, line);
      if (options.verbose || !NOISE.test(line)) console.log(line);
    });
    page.on('pageerror', error => log(`page error: ${error.message}`));

    const remote = (p: string): string => `vscode-remote://127.0.0.1:${server.port}${p}`;
    const payload = JSON.stringify([
      ['extensionDevelopmentPath', remote(options.extensionDevelopmentPath)],
      ['extensionTestsPath', remote(options.extensionTestsPath)],
      ['skipWelcome', 'true'],
      ['skipReleaseNotes', 'true'],
    ]);
    await page.goto(server.workspaceUrl({ payload }));
    await page.waitForSelector('.monaco-workbench', { timeout: 120_000 });
    log(`workbench loaded after ${elapsed()}`);

    const code = await Promise.race([exited, sleep(options.timeoutMs).then(() => 'timeout' as const)]);
    if (options.screenshot) await page.screenshot({ path: options.screenshot }).catch(() => undefined);
    if (code === 'timeout') throw new Error(`the suite did not finish within ${options.timeoutMs / 1000} s`);
    exitCode = Number(code) || 0;
    log(`extension host exited with ${exitCode} after ${elapsed()}`);
  } catch (e) {
    log(`ERROR: ${(e as Error).message}\n--- code-server log (tail) ---\n${server.logTail()}`);
    exitCode = exitCode || 1;
  } finally {
    await browser?.close().catch(() => undefined);
    await server.stop();
    removeTmpDir(server);
  }
  return { tally, exitCode };
}

function log(message: string): void {
  console.log(`[vscode-test] ${message}`);
}
