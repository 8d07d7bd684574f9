// Integration: without a model (the state before native/model is installed), mnemo says so in the
// status bar and the commands, and nothing crashes; pointing mnemo.modelPath at a model fixes it.
// Also: the language model tools are registered where the editor has the API.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { MnemoApi } from '../../src/vscode/extension';
import type { RememberOutcome } from '../../src/vscode/memory-writes';
import { mnemoExtension, waitForActivation } from './extension-host';

describe('no model installed', () => {
  it('shows "model not installed" and refuses writes with the reason', async () => {
    await waitForActivation(30_000);
    const api = mnemoExtension().exports as MnemoApi;
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'mnemo-no-model-'));
    await vscode.workspace.getConfiguration('mnemo').update('modelPath', empty, vscode.ConfigurationTarget.Global);
    await api.ctx.restartWorker();
    const outcome = await vscode.commands.executeCommand<RememberOutcome>('mnemo.rememberNote', 'We use tabs.', 'convention');
    assert.equal(outcome.ok, false);
    if (outcome.ok) return;
    assert.equal(outcome.code, 'unavailable');
    assert.match(outcome.message, /model is not installed/);
    assert.equal(api.ctx.service.kind, 'no-model');
    assert.equal(api.ctx.statusBar.kind, 'no-model');
    const answer = await vscode.commands.executeCommand<{ ok: boolean; message?: string }>('mnemo.ask', 'anything?');
    assert.equal(answer.ok, false);
    assert.match(answer.message ?? '', /not installed/);
  });
});

describe('language model tools', () => {
  it('registers remember, recall and forget when the editor has vscode.lm', async function () {
    await waitForActivation(30_000);
    const lm = (vscode as { lm?: { tools?: readonly { name: string }[] } }).lm;
    if (!lm?.tools) this.skip();
    const names = lm!
      .tools!.map(tool => tool.name)
      .filter(name => name.startsWith('mnemo_'))
      .sort();
    assert.deepEqual(names, ['mnemo_forget', 'mnemo_recall', 'mnemo_remember']);
  });
});
