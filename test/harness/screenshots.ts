// `npm run screenshots`: photographs mnemo's chat, memory inspector and an inline completion in a
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
import { launchChromium } from './playwright';
import { ensureTools } from './tools';

const THEMES = { light: 'Default Light Modern', dark: 'Default Dark Modern' } as const;
const MARKER = /MNEMO_SCREENSHOT (\w+)/;
const outDir = path.join(repoRoot, 'screenshots');

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
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, colorScheme: theme });
    let finish: () => void = () => undefined;
    const finished = new Promise<void>(resolve => { finish = resolve; });
    const shots: Promise<unknown>[] = [];
    await page.exposeFunction('codeAutomationExit', (code: number) => {
      if (code !== 0) console.log(`[screenshots] ${theme}: the tour exited with ${code}`);
      finish();
    });
    await page.exposeFunction('codeAutomationLog', (_type: string, args: unknown) => {
      const line = util.format(...(Array.isArray(args) ? args : [args]));
      const match = MARKER.exec(line);
      if (!match) {
        if (/error|fail/i.test(line)) console.log(`[screenshots] ${theme}: ${line}`);
        return;
      }
      const file = path.join(outDir, `${match[1]}-${theme}.png`);
      shots.push(page.screenshot({ path: file }).then(() => saved.push(file)));
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

async function main(): Promise<number> {
  ensureTools({ browser: true });
  const build = spawnSync(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'scripts', 'build.ts'), '--tests'], { cwd: repoRoot, stdio: 'inherit' });
  if (build.status !== 0) return 1;
  fs.mkdirSync(outDir, { recursive: true });
  // The shipped model when it is there (real answers); the service's tiny random model otherwise.
  const shipped = path.join(repoRoot, 'native', 'model');
  const modelDir = fs.existsSync(path.join(shipped, 'manifest.json')) ? shipped : createTinyModelDir();
  console.log(`[screenshots] model: ${path.relative(repoRoot, modelDir) || modelDir}`);
  const saved: string[] = [];
  for (const theme of Object.keys(THEMES) as (keyof typeof THEMES)[]) saved.push(...(await shoot(theme, modelDir)));
  for (const file of saved) console.log(`[screenshots] ${path.relative(repoRoot, file)}`);
  console.log(`[screenshots] ${saved.length} saved`);
  return saved.length === 6 ? 0 : 1;
}

main().then(code => process.exit(code), e => {
  console.error(e);
  process.exit(1);
});
