// Integration: in an untrusted workspace (restricted mode) mnemo writes nothing. Every way to change
// memory (Remember Selection, Remember Note, Forget Note, Undo, Import, and the remember/forget
// functions the language model tools call) refuses with the restricted-mode message, while asking
// still works; the store on disk stays byte for byte what it was (it holds one note written before,
// as if while the workspace was trusted).
//
// Runs only in its own VS Code (npm test's "vscode-restricted" phase: workspace trust on, the
// workspace untrusted, MNEMO_TEST_GREP = this suite's title, MNEMO_EXPECT_UNTRUSTED=1 so a trusted
// workspace there fails); in the trusted suite it is skipped.
import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { ServiceClient } from '../../src/service/serviceClient';
import { createTinyModelDir } from '../../src/service/tinyModelFixture';
import type { ChatAnswer } from '../../src/vscode/chat-view';
import type { MnemoApi } from '../../src/vscode/extension';
import { forgetNote, rememberText } from '../../src/vscode/memory-writes';
import { RESTRICTED_MESSAGE } from '../../src/vscode/user-errors';
import { mnemoExtension, waitForActivation } from './extension-host';

const SUITE = 'restricted mode';
const NOTE = 'Invoices are numbered per year: 2026-0001 follows 2025-0413.';

/** Every file under the store: name -> size and sha256. */
function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else
        files[path.relative(dir, full)] =
          `${fs.statSync(full).size} ${crypto.createHash('sha256').update(fs.readFileSync(full)).digest('hex')}`;
    }
  };
  walk(dir);
  return files;
}

interface Outcome {
  readonly ok: boolean;
  readonly code?: string;
  readonly message?: string;
}

function assertRefused(what: string, outcome: Outcome | undefined): void {
  assert.ok(outcome, `${what} returned nothing`);
  assert.equal(outcome.ok, false, `${what} wrote: ${JSON.stringify(outcome)}`);
  assert.equal(outcome.code, 'restricted', `${what}: ${JSON.stringify(outcome)}`);
  assert.equal(outcome.message, RESTRICTED_MESSAGE);
}

describe(SUITE, function () {
  this.timeout(120_000);
  let api: MnemoApi;
  let storeDir = '';
  let noteId = '';
  let before_: Record<string, string> = {};

  before(async function () {
    const dedicatedRun = process.env.MNEMO_EXPECT_UNTRUSTED === '1';
    if (vscode.workspace.isTrusted) {
      if (dedicatedRun) assert.fail('the restricted-mode run opened a trusted workspace (workspace trust is off?)');
      this.skip();
    }
    await waitForActivation(30_000);
    api = mnemoExtension().exports as MnemoApi;
    const modelDir = createTinyModelDir();
    storeDir = api.ctx.storeDir;
    fs.mkdirSync(storeDir, { recursive: true });
    // A note written before (through the worker, as a trusted window would have).
    const seeding = await ServiceClient.start({
      storeDir,
      modelDir,
      workerScript: path.join(mnemoExtension().extensionPath, 'dist', 'worker.js'),
    });
    try {
      noteId = (await seeding.request('memory/remember', { text: NOTE, kind: 'decision' })).notes[0]!.id;
    } finally {
      await seeding.dispose();
    }
    await vscode.workspace.getConfiguration('mnemo').update('modelPath', modelDir, vscode.ConfigurationTarget.Global);
    await api.ctx.restartWorker();
    await api.ctx.ready();
    assert.equal(api.ctx.restricted, true);
    before_ = snapshot(storeDir);
    assert.ok(Object.keys(before_).length > 0, 'the store has files');
  });

  it('refuses Remember Selection, Remember Note, Forget Note and Import with the restricted-mode message', async () => {
    const [file] = await vscode.workspace.findFiles('src/money.ts');
    assert.ok(file);
    const editor = await vscode.window.showTextDocument(file);
    editor.selection = new vscode.Selection(0, 0, 0, editor.document.lineAt(0).text.length);
    assertRefused('Remember Selection', await vscode.commands.executeCommand<Outcome>('mnemo.rememberSelection', 'convention'));
    assertRefused('Remember Note', await vscode.commands.executeCommand<Outcome>('mnemo.rememberNote', 'We use tabs.', 'convention'));
    assertRefused('Forget Note', await vscode.commands.executeCommand<Outcome>('mnemo.forgetNote', noteId));
    // Export reads, so it is allowed; importing its file back is a write.
    const exportFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mnemo-restricted-')), 'notes.mnemo');
    const exported = await vscode.commands.executeCommand<Outcome & { notes?: number }>('mnemo.exportNotes', exportFile);
    assert.ok(exported.ok, JSON.stringify(exported));
    assertRefused('Import Notes', await vscode.commands.executeCommand<Outcome>('mnemo.importNotes', exportFile));
    fs.rmSync(path.dirname(exportFile), { recursive: true, force: true });
  });

  it('refuses the writes the language model tools make (remember, forget)', async () => {
    assertRefused('mnemo_remember', await rememberText(api.ctx, 'Prefer named exports.', 'convention'));
    assertRefused('mnemo_forget', await forgetNote(api.ctx, noteId as never));
    const undo = await vscode.commands.executeCommand<Outcome>('mnemo.undoLastNote');
    assert.equal(undo.ok, false, 'nothing was written in this window, so there is nothing to undo');
  });

  it('refuses the tools called through vscode.lm.invokeTool, saying why', async function () {
    const lm = (vscode as { lm?: typeof vscode.lm }).lm;
    if (typeof lm?.invokeTool !== 'function') this.skip();
    const text = (result: vscode.LanguageModelToolResult) => result.content.map(part => (part as { value?: string }).value ?? '').join('');
    const remembered = text(
      await lm!.invokeTool('mnemo_remember', {
        input: { text: 'Prefer named exports.', kind: 'convention' },
        toolInvocationToken: undefined,
      }),
    );
    assert.equal(remembered, `Not remembered: ${RESTRICTED_MESSAGE}`);
    const forgotten = text(await lm!.invokeTool('mnemo_forget', { input: { noteId }, toolInvocationToken: undefined }));
    assert.equal(forgotten, `Not forgotten: ${RESTRICTED_MESSAGE}`);
  });

  it('still answers from memory, and the note is still there', async () => {
    const answer = await vscode.commands.executeCommand<ChatAnswer>('mnemo.ask', 'How are invoices numbered?');
    assert.ok(answer.ok, JSON.stringify(answer));
    const list = await api.ctx.client!.request('memory/list', {});
    assert.deepEqual(
      list.notes.map(n => n.id),
      [noteId],
    );
  });

  it('leaves the store on disk byte for byte as it was', () => {
    assert.deepEqual(snapshot(storeDir), before_);
  });
});
