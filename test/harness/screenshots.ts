// `npm run screenshots`: photographs mnemo's empty states, chat, memory inspector and an inline completion in a
// real VS Code (code-server + headless chromium), in the light and the dark default themes, into
// screenshots/ (git-ignored). The tour itself runs in the extension host
// (test/integration/screenshot-tour.ts) and says when to shoot through the automation log.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as util from 'node:util';
import { createTinyModelDir } from '../../src/service/tinyModelFixture';
import { removeTmpDir, sleep, startCodeServer } from './code-server';
import { repoRoot, sampleWorkspace } from './paths';
import { launchChromium, type Page } from './playwright';
import { ensureTools } from './tools';
import { driveWebview, paintedThemes } from './webview-driver';

const THEMES = { light: 'Default Light Modern', dark: 'Default Dark Modern' } as const;
const MARKER = /MNEMO_SCREENSHOT (\w+)/;
/** empty (chat and inspector before any note), chat, inspector, completion. */
const SHOTS_PER_THEME = 4;
const outDir = path.join(repoRoot, 'screenshots');

/** The desktop's own light/dark preference; 'theme' matches each theme, 'light'/'dark' is the same for both. */
const OS_SCHEME = (process.env.MNEMO_SCREENSHOT_OS_SCHEME ?? 'theme') as 'theme' | 'light' | 'dark';

const mismatches: string[] = [];

async function shoot(theme: keyof typeof THEMES, modelDir: string): Promise<string[]> {
  // A copy: the tour types into a file, and the workbench may save it.
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'mnemo-screenshots-ws-'));
  fs.cpSync(sampleWorkspace, workspace, { recursive: true });
  const server = await startCodeServer({
    workspace,
    enableTestPayload: true,
    settings: { 'workbench.colorTheme': THEMES[theme], 'mnemo.modelPath': modelDir, 'mnemo.completions.debounceMs': 0 },
  });
  const saved: string[] = [];
  // Webviews are cross-origin iframes; composited out of process, headless software rendering
  // painted the workbench around them without its theme background. In process they render right.
  const browser = await launchChromium(['--disable-features=IsolateOrigins,site-per-process', '--disable-site-isolation-trials']);
  try {
    // The browser's own colour scheme follows the theme, as on a desktop set to that scheme.
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, colorScheme: OS_SCHEME === 'theme' ? theme : OS_SCHEME });
    let finish: () => void = () => undefined;
    const finished = new Promise<void>(resolve => {
      finish = resolve;
    });
    const shots: Promise<unknown>[] = [];
    await page.exposeFunction('codeAutomationExit', (code: number) => {
      if (code !== 0) console.log(`[screenshots] ${theme}: the tour exited with ${code}`);
      finish();
    });
    await page.exposeFunction('codeAutomationLog', (_type: string, args: unknown) => {
      const line = util.format(...(Array.isArray(args) ? args : [args]));
      void driveWebview(page, line);
      const match = MARKER.exec(line);
      if (!match) {
        if (/error|fail|screenshot tour/i.test(line)) console.log(`[screenshots] ${theme}: ${line}`);
        return;
      }
      const file = path.join(outDir, `${match[1]}-${theme}.png`);
      shots.push(
        page.screenshot({ path: file }).then(async () => {
          saved.push(file);
          mismatches.push(...(await checkThemes(page, theme, `${match[1]}-${theme}`)));
        }),
      );
    });
    const remote = (p: string): string => `vscode-remote://127.0.0.1:${server.port}${p}`;
    const payload = JSON.stringify([
      ['extensionDevelopmentPath', remote(repoRoot)],
      ['extensionTestsPath', remote(path.join(repoRoot, 'out', 'test', 'integration', 'screenshot-tour.js'))],
      ['skipWelcome', 'true'],
      ['skipReleaseNotes', 'true'],
    ]);
    await page.goto(server.workspaceUrl({ payload }));
    await page.waitForSelector('.monaco-workbench', { timeout: 120_000 });
    await Promise.race([finished, sleep(240_000)]);
    await Promise.all(shots);
  } finally {
    await browser.close().catch(() => undefined);
    await server.stop();
    removeTmpDir(server);
    fs.rmSync(workspace, { recursive: true, force: true });
  }
  return saved;
}

/**
 * Prints the theme the workbench and each mnemo webview were painted in, and says what does not
 * match the theme being shot: VS Code's class names the theme kind, the webview's color-scheme
 * (its scrollbars and form controls) must follow it whatever the desktop's own preference is.
 */
async function checkThemes(page: Page, theme: keyof typeof THEMES, shot: string): Promise<string[]> {
  const problems: string[] = [];
  const webviews = new Set<string>();
  for (const painted of await paintedThemes(page)) {
    console.log(
      `[screenshots] ${shot}: ${painted.where} class="${painted.themeClass}" color-scheme=${painted.colorScheme} background=${painted.background}`,
    );
    const wanted = painted.where === 'workbench' ? (theme === 'dark' ? 'vs-dark' : 'vs') : `vscode-${theme}`;
    if (painted.themeClass !== wanted) problems.push(`${shot}: ${painted.where} has class "${painted.themeClass}", not ${wanted}`);
    if (painted.where !== 'workbench') {
      webviews.add(painted.where);
      if (painted.colorScheme !== theme) problems.push(`${shot}: ${painted.where} has color-scheme ${painted.colorScheme}, not ${theme}`);
    }
  }
  const expected =
    shot.startsWith('inspector') || shot.startsWith('empty')
      ? ['mnemo-chat', 'mnemo-inspector']
      : shot.startsWith('chat')
        ? ['mnemo-chat']
        : [];
  for (const view of expected) if (!webviews.has(view)) problems.push(`${shot}: no ${view} webview on the page`);
  for (const problem of problems) console.log(`[screenshots] THEME MISMATCH ${problem}`);
  return problems;
}

async function main(): Promise<number> {
  ensureTools({ browser: true });
  const build = spawnSync(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'scripts', 'build.ts'), '--tests'], {
    cwd: repoRoot,
    stdio: 'inherit',
  });
  if (build.status !== 0) return 1;
  fs.mkdirSync(outDir, { recursive: true });
  // The shipped model when it is there (real answers); the service's tiny random model otherwise.
  const shipped = path.join(repoRoot, 'native', 'model');
  const modelDir = fs.existsSync(path.join(shipped, 'manifest.json')) ? shipped : createTinyModelDir();
  console.log(`[screenshots] model: ${path.relative(repoRoot, modelDir) || modelDir}`);
  const saved: string[] = [];
  const themes = (process.env.MNEMO_SCREENSHOT_THEMES?.split(',') ?? Object.keys(THEMES)) as (keyof typeof THEMES)[];
  for (const theme of themes) saved.push(...(await shoot(theme, modelDir)));
  for (const file of saved) console.log(`[screenshots] ${path.relative(repoRoot, file)}`);
  console.log(`[screenshots] ${saved.length} saved; ${mismatches.length} theme mismatches`);
  return saved.length === themes.length * SHOTS_PER_THEME && mismatches.length === 0 ? 0 : 1;
}

main().then(
  code => process.exit(code),
  e => {
    console.error(e);
    process.exit(1);
  },
);
