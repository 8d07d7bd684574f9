// The extensionTestsPath module for `npm run screenshots` (not part of the test suite): walks the
// story in a real VS Code and, at each surface, prints a MNEMO_SCREENSHOT line, then holds still
// while the harness (test/harness/screenshots.ts) photographs the workbench.
import * as vscode from 'vscode';
import type { MnemoApi } from '../../src/vscode/extension';
import type { RememberOutcome } from '../../src/vscode/memory-writes';
import { mnemoExtension, waitForActivation } from './extension-host';
import { inWebview } from './webview-ui';

export const SCREENSHOT_MARKER = 'MNEMO_SCREENSHOT';

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/** Waits until a webview shows an element (the harness looks), so a shot never catches a blank frame. */
async function shown(view: 'chat' | 'inspector', selector: string): Promise<void> {
  try {
    await inWebview(view, { action: 'text', selector });
    await inWebview(view, { action: 'styled', selector: 'html' });
  } catch (e) {
    console.log(`screenshot tour: ${(e as Error).message}`);
  }
}

async function snap(name: string): Promise<void> {
  await sleep(2500);
  console.log(`${SCREENSHOT_MARKER} ${name}`);
  await sleep(2500);
}

/**
 * Waits until the workbench has applied the theme named in the settings the harness wrote, so no
 * webview is created under a theme about to be replaced (VS Code restyles webviews on a theme change,
 * but the shots should not depend on that).
 */
async function themeApplied(): Promise<void> {
  const wanted = String(vscode.workspace.getConfiguration('workbench').get('colorTheme') ?? '');
  const kind = /dark/i.test(wanted) ? vscode.ColorThemeKind.Dark : vscode.ColorThemeKind.Light;
  for (let waited = 0; vscode.window.activeColorTheme.kind !== kind; waited += 250) {
    if (waited > 30_000) throw new Error(`the workbench did not apply ${wanted} within 30 s`);
    await sleep(250);
  }
}

export async function run(): Promise<void> {
  await waitForActivation(30_000);
  await themeApplied();
  const api = mnemoExtension().exports as MnemoApi;
  await api.ctx.ready();
  // First the empty states: the chat before any question, the inspector before any note.
  await vscode.commands.executeCommand('mnemo.chat.focus');
  await vscode.commands.executeCommand('mnemo.openInspector');
  await shown('chat', '.empty h2');
  await shown('inspector', '#notes-title');
  await snap('empty');
  await vscode.commands.executeCommand('workbench.action.closeActiveEditor');

  const remembered = await vscode.commands.executeCommand<RememberOutcome>(
    'mnemo.rememberNote',
    'Money is stored as integer cents; tax rates as basis points. Never use floats for money.',
    'convention',
  );
  await vscode.commands.executeCommand(
    'mnemo.rememberNote',
    'Invoices are numbered per year (2026-0001) and never reused, even when one is voided.',
    'decision',
  );
  await vscode.commands.executeCommand(
    'mnemo.rememberNote',
    'Rounding bug in applyTax: Math.round rounds -0.5 up; use roundHalfAwayFromZero.',
    'bug',
  );

  const [file] = await vscode.workspace.findFiles('src/money.ts');
  if (file) await vscode.window.showTextDocument(file);
  // Asked as a user asks: typed into the chat's composer and sent with Enter.
  await vscode.commands.executeCommand('mnemo.chat.focus');
  const question = 'How are money amounts stored?';
  try {
    await inWebview('chat', { action: 'fill', selector: '#question', text: question });
    await inWebview('chat', { action: 'press', selector: '#question', key: 'Enter' });
    for (let waited = 0; api.ctx.lastReads?.prompt !== question && waited < 60_000; waited += 250) await sleep(250);
  } catch (e) {
    console.log(`screenshot tour: the chat could not be driven (${(e as Error).message}); asking through the command`);
    await vscode.commands.executeCommand('mnemo.ask', question);
  }
  await shown('chat', '.message.assistant .citation');
  await snap('chat');

  const noteId = remembered.ok ? remembered.notes[0]!.id : undefined;
  await vscode.commands.executeCommand('mnemo.openInspector', noteId);
  await shown('inspector', noteId ? `#note-${noteId}.selected` : '#notes-title');
  await snap('inspector');
  await vscode.commands.executeCommand('workbench.action.closeActiveEditor');

  await vscode.commands.executeCommand('workbench.action.closeSidebar');
  if (file) {
    const editor = await vscode.window.showTextDocument(file);
    const end = editor.document.lineAt(editor.document.lineCount - 1).range.end;
    await editor.edit(edit => edit.insert(end, '\n\nexport function addCents(a: Cents, b: Cents): Cents {\n  return '));
    const cursor = editor.document.lineAt(editor.document.lineCount - 1).range.end;
    editor.selection = new vscode.Selection(cursor, cursor);
    editor.revealRange(new vscode.Range(cursor, cursor));
    await vscode.commands.executeCommand('editor.action.inlineSuggest.trigger');
  }
  await snap('completion');
}
