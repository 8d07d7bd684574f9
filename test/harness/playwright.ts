// playwright-core, loaded from its pinned folder (.ci/vscode-test) and typed by the few calls the
// harness makes. It drives Debian's chromium: Playwright never downloads a browser here.
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { playwrightCoreDir } from './paths';
import { chromiumPath } from './tools';

export interface Locator {
  first(): Locator;
  click(options?: { timeout?: number }): Promise<void>;
  fill(text: string, options?: { timeout?: number }): Promise<void>;
  press(key: string, options?: { timeout?: number }): Promise<void>;
  getAttribute(name: string, options?: { timeout?: number }): Promise<string | null>;
  textContent(options?: { timeout?: number }): Promise<string | null>;
  waitFor(options?: { state?: 'attached' | 'visible'; timeout?: number }): Promise<void>;
}

export interface Frame {
  url(): string;
  parentFrame(): Frame | null;
  evaluate(expression: string): Promise<unknown>;
  locator(selector: string): Locator;
}

export interface Request {
  url(): string;
  frame(): Frame;
  response(): Promise<{ fromServiceWorker(): boolean } | null>;
}

export interface ConsoleMessage {
  text(): string;
  /** The document (script) that logged it: Playwright gives console messages no frame. */
  location(): { url: string };
}

export interface Page {
  frames(): Frame[];
  exposeFunction(name: string, fn: (...args: never[]) => unknown): Promise<void>;
  on(event: 'pageerror', listener: (error: Error) => void): void;
  on(event: 'requestfinished' | 'requestfailed', listener: (request: Request) => void): void;
  on(event: 'console', listener: (message: ConsoleMessage) => void): void;
  goto(url: string): Promise<unknown>;
  waitForSelector(selector: string, options?: { timeout?: number }): Promise<unknown>;
  waitForFunction(fn: string, arg?: unknown, options?: { timeout?: number; polling?: number }): Promise<unknown>;
  locator(selector: string): Locator;
  screenshot(options: { path: string }): Promise<unknown>;
  keyboard: { press(key: string): Promise<void>; type(text: string, options?: { delay?: number }): Promise<void> };
}

export interface Browser {
  newPage(options?: { viewport?: { width: number; height: number }; colorScheme?: 'light' | 'dark' }): Promise<Page>;
  close(): Promise<void>;
}

interface PlaywrightCore {
  chromium: { launch(options: { executablePath: string; headless: boolean; args: string[] }): Promise<Browser> };
}

// Flags that work on these machines (see the project's test notes in test/README.md).
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  const load = createRequire(path.join(playwrightCoreDir, 'package.json'));
  const playwright = load('playwright-core') as PlaywrightCore;
  return playwright.chromium.launch({ executablePath: chromiumPath(), headless: true, args: [...CHROMIUM_ARGS, ...extraArgs] });
}
