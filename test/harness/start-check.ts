// Checks `npm start` as a person uses it: run scripts/start.ts, wait for the printed URL, load it
// in a browser, remember a note from the command palette, press Ctrl-C (SIGINT to the start
// script's process group, as a terminal does) and check that code-server and every process it
// started are gone while the state folder stays; then `npm start` again and check that the note is
// listed, that Forget shows its text and asks (Cancel keeps it), that mnemo: Undo Forget brings it
// back bit for bit, and that the tracked sample-workspace/ never changed. (Forget's dialog is
// checked here because VS Code refuses modal dialogs while extension tests run.) The state folder is a temp dir
// (MNEMO_START_DIR), so the check never touches a developer's own .mnemo-start/.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { MemoryStore } from '../../src/memory/store/memoryStore';
import { noteSlotFile } from '../../src/memory/keyed/slotFiles';
import { sleep } from './code-server';
import { repoRoot, sampleWorkspace } from './paths';
import { CheckList } from './check-list';
import { launchChromium, type Browser, type Page } from './playwright';
import type { Tally } from './tally';

const URL_LINE = /^\s+(http:\/\/127\.0\.0\.1:\d+\/\S*)$/m;
const LOG_LINE = /^log:\s+(\S+)$/m;
const CHECKS = 10;

interface StartRun {
  readonly process: ChildProcess;
  readonly exited: Promise<number | null>;
  output(): string;
}

function launch(stateDir: string): StartRun {
  let output = '';
  // Its own process group, like a shell job: the SIGINT below reaches it the way Ctrl-C does.
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'scripts', 'start.ts')], {
    cwd: repoRoot,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, MNEMO_START_DIR: stateDir },
  });
  child.stdout!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | null>(resolve => child.once('exit', code => resolve(code)));
  return { process: child, exited, output: () => output };
}

async function urlOf(run: StartRun): Promise<string> {
  const deadline = Date.now() + 120_000;
  // Both lines: they come in separate writes, so the URL can arrive a chunk before the log path.
  while (!URL_LINE.test(run.output()) || !LOG_LINE.test(run.output())) {
    if (run.process.exitCode !== null || Date.now() > deadline) throw new Error(`no URL; output:\n${run.output()}`);
    await sleep(100);
  }
  return URL_LINE.exec(run.output())![1]!;
}

async function stop(run: StartRun, serverDir: string): Promise<void> {
  process.kill(-run.process.pid!, 'SIGINT');
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>(resolve => {
    timer = setTimeout(() => resolve('timeout'), 20_000);
  });
  const code = await Promise.race([run.exited, timeout]);
  clearTimeout(timer);
  if (code === 'timeout') throw new Error('npm start did not exit within 20 s of SIGINT');
  if (code !== 0) throw new Error(`npm start exited with ${code}`);
  const left = processesMentioning(serverDir);
  if (left.length > 0) throw new Error(`still running: ${left.join('; ')}`);
}

function kill(run: StartRun | undefined): void {
  try {
    if (run) process.kill(-run.process.pid!, 'SIGKILL');
  } catch {
    // already gone, as it should be
  }
}

export async function checkNpmStart(): Promise<Tally> {
  const checks = new CheckList();
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mnemo-npm-start-'));
  const sampleBefore = treeHash(sampleWorkspace);
  const token = `keepcheck${randomBytes(3).toString('hex')}`;
  const noteText = `Invoice totals are rounded half-even; the ${token} marker proves this note outlived a restart.`;
  let run: StartRun | undefined;
  let browser: Browser | undefined;
  try {
    run = launch(stateDir);
    const url = await checks.run('npm start prints the URL of the workbench', () => urlOf(run!));
    if (!url) return checks.tally(CHECKS - 1);
    const serverDir = path.dirname(LOG_LINE.exec(run.output())![1]!);
    await checks.run('the URL serves the VS Code workbench', async () => {
      const page = await httpGet(url);
      if (page.status !== 200 || !page.body.includes('vs/code/browser/workbench')) throw new Error(`GET ${url}: ${page.status}`);
    });
    browser = await launchChromium();
    const stored = await checks.run('a note remembered from the command palette is stored under the state folder', async () => {
      const page = await openWorkbench(browser!, url);
      await runCommand(page, 'mnemo: Remember Note');
      // The note's own input box, not the palette it replaces (keys typed before it shows are lost).
      await page.waitForFunction(
        `[...document.querySelectorAll('.quick-input-title')].some(e => e.offsetParent !== null && (e.textContent || '').includes('mnemo: Remember Note'))`,
        undefined,
        { timeout: 10_000 },
      );
      await page.keyboard.type(noteText);
      await page.keyboard.press('Enter');
      await page.waitForSelector('.quick-input-list .monaco-list-row', { timeout: 10_000 });
      await page.keyboard.press('Enter'); // the first kind
      const dir = await waitForNote(stateDir, token, 180_000);
      // The remember is done when its keyed memory slots are saved too (they are written after the store has the note).
      await waitFor(
        async () => (await MemoryStore.peek(dir)).notes.some(n => n.text.includes(token) && fs.existsSync(noteSlotFile(dir, n.id))),
        120_000,
        "the note's slot file",
      );
      return dir;
    });
    await browser.close();
    browser = undefined;
    await checks.run('Ctrl-C stops code-server and every process it started; the state folder and the note stay', async () => {
      await stop(run!, serverDir);
      if (url && (await httpGet(url)).status !== 0) throw new Error(`${url} still answers`);
      if (!stored || !(await storeHolds(stored, token))) throw new Error(`the note is not in ${stored ?? 'any store'} after Ctrl-C`);
    });
    run = undefined;

    run = launch(stateDir);
    const again = await checks.run('npm start again prints the URL, opening the same workspace copy', async () => {
      const second = await urlOf(run!);
      if (!run!.output().includes(path.join(stateDir, 'workspace'))) throw new Error(`another workspace: ${run!.output()}`);
      if (/copied from/.test(run!.output())) throw new Error('the workspace was copied again');
      return second;
    });
    let page: Page | undefined;
    const noteRow = `.quick-input-list .monaco-list-row[aria-label*="${token}"]`;
    await checks.run('after the restart the note is listed in the editor (mnemo: Forget Note offers it)', async () => {
      if (!again) throw new Error('no URL');
      browser = await launchChromium();
      page = await openWorkbench(browser, again);
      await runCommand(page, 'mnemo: Forget Note');
      try {
        await page.waitForFunction(
          `[...document.querySelectorAll('.quick-input-list .monaco-list-row')].some(e => (e.textContent || '').includes(${JSON.stringify(token)}))`,
          undefined,
          { timeout: 120_000 },
        );
      } catch (e) {
        const shown = await pageText(page);
        throw new Error(`${(e as Error).message}\n      on screen: ${shown}\n      mnemo log: ${mnemoLogTail(stateDir)}`, { cause: e });
      }
    });
    await checks.run("Forget shows the note's text and asks first; Cancel keeps the note", async () => {
      if (!page || !stored) throw new Error('no workbench or no store');
      const storeDir: string = stored;
      await page.locator(noteRow).first().click({ timeout: 10_000 });
      const detail = await page.locator('.monaco-dialog-box .dialog-message-detail').first().textContent({ timeout: 30_000 });
      const storedText = (await MemoryStore.peek(storeDir)).notes.find(n => n.text.includes(token))?.text;
      if (detail !== storedText || detail !== noteText) throw new Error(`the dialog shows "${detail}"; the note is "${storedText}"`);
      await page.locator('.monaco-dialog-box .monaco-button:has-text("Cancel")').first().click({ timeout: 10_000 });
      await sleep(1_000);
      if (!(await storeHolds(stored, token))) throw new Error('Cancel forgot the note');
    });
    await checks.run('Forget, then mnemo: Undo Forget brings the note back bit for bit (record and slot file)', async () => {
      if (!page || !stored) throw new Error('no workbench or no store');
      const before = await noteState(stored, token);
      await runCommand(page, 'mnemo: Forget Note');
      await page.locator(noteRow).first().click({ timeout: 60_000 });
      await page.locator('.monaco-dialog-box .monaco-button:has-text("Forget")').first().click({ timeout: 30_000 });
      await waitFor(async () => !(await storeHolds(stored!, token)), 60_000, 'the note to be forgotten');
      await runCommand(page, 'mnemo: Undo Forget');
      await waitFor(() => storeHolds(stored!, token), 60_000, 'the note to come back');
      await waitFor(
        async () => (await noteState(stored!, token)) === before,
        30_000,
        `the note and its slot file as before (${before.slice(0, 200)})`,
      );
    });
    await (browser as Browser | undefined)?.close();
    browser = undefined;
    await checks.run('Ctrl-C stops the second run too', () => stop(run!, serverDir));
    run = undefined;
    await checks.run('the tracked sample-workspace/ files never changed', async () => {
      if (treeHash(sampleWorkspace) !== sampleBefore) throw new Error('sample-workspace/ changed');
    });
  } finally {
    await browser?.close().catch(() => undefined);
    kill(run);
    fs.rmSync(stateDir, { recursive: true, force: true });
  }
  return checks.tally(CHECKS - checks.passed - checks.failed);
}

async function openWorkbench(browser: Browser, url: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(url);
  await page.waitForSelector('.monaco-workbench', { timeout: 120_000 });
  // The extension activates on startup: its status bar item says it is there.
  await page.waitForSelector('[aria-label^="mnemo"]', { timeout: 60_000 });
  return page;
}

/** The quick input's and the notifications' text, for a failure message. */
async function pageText(page: Page): Promise<string> {
  const frame = page.frames()[0];
  if (!frame) return '';
  return String(
    await frame.evaluate(
      `[...document.querySelectorAll('.quick-input-list .monaco-list-row, .quick-input-title, .notification-list-item-message, .monaco-alert')]` +
        `.filter(e => e.offsetParent !== null || e.classList.contains('monaco-alert')).map(e => e.textContent).join(' | ').slice(0, 800)`,
    ),
  );
}

/** The end of mnemo's output channel log under the state folder, for a failure message. */
function mnemoLogTail(stateDir: string): string {
  const logs: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/mnemo\.log$/.test(entry.name)) logs.push(full);
    }
  };
  walk(stateDir);
  return logs.map(file => fs.readFileSync(file, 'utf8').split('\n').slice(-12).join('\n        ')).join('\n      ---\n        ');
}

async function runCommand(page: Page, title: string): Promise<void> {
  const row = `.quick-input-list .monaco-list-row[aria-label*="${title}"]`;
  // A workbench still restoring its layout can swallow the first keys: try the palette a few times.
  for (let attempt = 1; ; attempt++) {
    try {
      await page.keyboard.press('F1');
      await page.waitForSelector('.quick-input-widget input', { timeout: 10_000 });
      await page.keyboard.type(title, { delay: 20 });
      await page.waitForSelector(row, { timeout: 10_000 });
      break;
    } catch (e) {
      if (attempt === 3) throw e;
      await page.keyboard.press('Escape');
      await sleep(2_000);
    }
  }
  // A click, not Enter: on a restart the palette lists recently used commands first and may not
  // have settled its focus on the match yet.
  await page.locator(row).first().click({ timeout: 10_000 });
}

/** The store (VS Code's workspace storage under the state folder) that holds a note with `token`. */
async function waitForNote(stateDir: string, token: string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const dir of storeDirs(stateDir)) if (await storeHolds(dir, token)) return dir;
    if (Date.now() > deadline)
      throw new Error(`no store under ${stateDir} holds the note (stores: ${storeDirs(stateDir).join(', ') || 'none'})`);
    await sleep(500);
  }
}

function storeDirs(stateDir: string): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(path.join(dir, entry.name));
      else if (entry.name === 'snapshot.mnemo') found.push(dir);
    }
  };
  walk(stateDir);
  return found;
}

/** The note's record and its slot file's bytes, as one string to compare. */
async function noteState(dir: string, token: string): Promise<string> {
  const note = (await MemoryStore.peek(dir)).notes.find(n => n.text.includes(token));
  const slotFile = note ? fs.readFileSync(noteSlotFile(dir, note.id)).toString('base64') : '';
  return JSON.stringify({ note, slotFile });
}

async function waitFor(probe: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

async function storeHolds(dir: string, token: string): Promise<boolean> {
  try {
    return (await MemoryStore.peek(dir)).notes.some(n => n.state === 'live' && n.text.includes(token));
  } catch {
    return false;
  }
}

/** One hash over every file's path and bytes. */
function treeHash(root: string): string {
  const hash = createHash('sha256');
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      hash.update(path.relative(root, full));
      if (entry.isDirectory()) walk(full);
      else hash.update(fs.readFileSync(full));
    }
  };
  walk(root);
  return hash.digest('hex');
}

/** Command lines (from /proc) that name the given directory: code-server's processes do. */
function processesMentioning(dir: string): string[] {
  if (!dir || dir === '.') return [];
  return fs
    .readdirSync('/proc')
    .filter(p => /^\d+$/.test(p))
    .flatMap(pid => {
      try {
        const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
        return cmdline.includes(dir) ? [`${pid} ${cmdline.slice(0, 120)}`] : [];
      } catch {
        return [];
      }
    });
}

function httpGet(url: string): Promise<{ status: number; body: string }> {
  return new Promise(resolve => {
    http
      .get(url, res => {
        let body = '';
        res.on('data', (chunk: Buffer) => {
          body += chunk.toString();
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', () => resolve({ status: 0, body: '' }));
  });
}
