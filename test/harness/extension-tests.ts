// Runs the integration suite (test/integration, bundled to out/) inside a real VS Code: code-server
// serves the workbench, headless chromium opens it with a payload that names the extension under
// development and the tests, the way VS Code runs its own browser integration tests. The suite's
// console output and exit code come back through window.codeAutomationLog / codeAutomationExit.
import * as util from 'node:util';
import { startCodeServer, removeTmpDir, sleep } from './code-server';
import { launchChromium, type Browser, type Frame, type Request } from './playwright';
import { addTallies, parseExtensionHostResult, type Tally } from './tally';
import { WebviewNetworkLog, type WebviewNetworkReport } from './webview-requests';
import { driveWebview } from './webview-driver';

export interface ExtensionTestsOptions {
  readonly extensionDevelopmentPath: string;
  readonly extensionTestsPath: string;
  readonly workspace: string;
  readonly timeoutMs: number;
  readonly screenshot?: string;
  readonly verbose?: boolean;
  /** Run in restricted mode (workspace trust on, workspace untrusted). */
  readonly untrustedWorkspace?: boolean;
  /** Extra environment for the extension host (e.g. MNEMO_TEST_GREP). */
  readonly env?: Readonly<Record<string, string>>;
}

export interface ExtensionTestsResult {
  /** undefined when the suite never reported (it crashed, or the workbench never started it). */
  readonly tally: Tally | undefined;
  readonly exitCode: number;
}

// Workbench chatter about services that are unreachable offline (marketplace, chat, GitHub).
const NOISE =
  /^\[(AgentHost|ChatModelSelection|AccountPolicyGate)|ENOTFOUND|Timed out waiting for authentication provider|^(Resolving connection token|Resolved connection token|Creating a socket|Updating additional builtin|\[reconnection-grace-time\]|\[Service Worker\])/;

export async function runExtensionTests(options: ExtensionTestsOptions): Promise<ExtensionTestsResult> {
  const started = Date.now();
  const elapsed = (): string => `${((Date.now() - started) / 1000).toFixed(1)} s`;
  const server = await startCodeServer({
    workspace: options.workspace,
    enableTestPayload: true,
    untrustedWorkspace: options.untrustedWorkspace,
    env: options.env,
  });
  let browser: Browser | undefined;
  let tally: Tally | undefined;
  let exitCode = 1;
  let reportWebviewNetwork: (() => WebviewNetworkReport) | undefined;
  try {
    log(`code-server up on ${server.baseUrl} after ${elapsed()}`);
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    let reportExit: (code: number) => void = () => undefined;
    const exited = new Promise<number>(resolve => {
      reportExit = resolve;
    });
    await page.exposeFunction('codeAutomationExit', (code: number) => reportExit(code));
    await page.exposeFunction('codeAutomationLog', (_type: string, args: unknown) => {
      const line = util.format(...(Array.isArray(args) ? args : [args]));
      tally = parseExtensionHostResult(line) ?? tally;
      // A test asking to click or type in a webview (test/integration/webview-ui.ts).
      void driveWebview(page, line);
      if (options.verbose || !NOISE.test(line)) console.log(line);
    });
    page.on('pageerror', error => log(`page error: ${error.message}`));
    // mnemo's webviews may load nothing from off the machine (checked from the browser's side).
    const webviewNetwork = new WebviewNetworkLog();
    page.on('requestfinished', request => {
      const chain = frameChain(request);
      void request.response().then(
        response => webviewNetwork.request(request.url(), chain, response?.fromServiceWorker() ?? false),
        () => undefined,
      );
    });
    page.on('requestfailed', request => webviewNetwork.request(request.url(), frameChain(request)));
    page.on('console', message => webviewNetwork.console(message.text(), message.location().url));
    reportWebviewNetwork = () => webviewNetwork.report();

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
  const checked = tally && withWebviewCheck(tally, reportWebviewNetwork?.());
  return { tally: checked, exitCode: exitCode === 0 && (checked?.failed ?? 0) > 0 ? 1 : exitCode };
}

/** One more check in the tally: no remote request from mnemo's webviews (skipped when none loaded). */
function withWebviewCheck(tally: Tally, report: WebviewNetworkReport | undefined): Tally {
  if (!report || report.frames === 0) {
    log('webviews: no mnemo webview loaded in this run; the no-remote-request check is skipped');
    return addTallies(tally, { passed: 0, failed: 0, skipped: 1 });
  }
  if (report.remote.length > 0) {
    log(`FAIL webviews: ${report.remote.length} remote request(s) from mnemo's webviews:\n  ${report.remote.join('\n  ')}`);
    return addTallies(tally, { passed: 0, failed: 1, skipped: 0 });
  }
  log(`webviews: ${report.requests} requests from ${report.frames} mnemo webview frames, none remote`);
  return addTallies(tally, { passed: 1, failed: 0, skipped: 0 });
}

/** The URLs of the request's frame and its ancestors; empty for a service worker's own requests. */
function frameChain(request: Request): string[] {
  const chain: string[] = [];
  try {
    for (let f: Frame | null = request.frame(); f; f = f.parentFrame()) chain.push(f.url());
  } catch {
    // Playwright throws for requests of a service worker (they have no frame).
  }
  return chain;
}

function log(message: string): void {
  console.log(`[vscode-test] ${message}`);
}
