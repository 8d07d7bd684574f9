// A suite that runs on a model of its own, with one note to ask about: before its tests, point
// mnemo.modelPath at the model, restart the worker (its model is fixed for its life, so nothing
// below reaches the old one), wait until it is ready and remember the note; after them, forget the
// note and put the user's setting back.
import * as assert from 'node:assert/strict';
import { after, before } from 'mocha';
import * as vscode from 'vscode';
import type { MnemoApi } from '../../src/vscode/extension';
import type { RememberOutcome } from '../../src/vscode/memory-writes';
import { mnemoExtension, waitForActivation } from './extension-host';
import { eventually } from './webview-ui';

export interface ModelSuiteSetup {
  /** The model directory (called in the before hook, so a fixture is made only when the suite runs). */
  readonly modelDir: () => string;
  /** What the wait for the worker is called in a timeout's message, and how long it may take. */
  readonly what: string;
  readonly timeoutMs: number;
  readonly note: string;
  readonly kind: string;
}

/** What the suite's tests read, filled in by its before hook. */
export interface ModelSuite {
  api: MnemoApi;
  noteId: string;
}

/** Registers the suite's before and after hooks (call it inside `describe`). */
export function suiteOnModel(setup: ModelSuiteSetup): ModelSuite {
  const suite: ModelSuite = { api: undefined as unknown as MnemoApi, noteId: '' };
  let restoreModelPath: (() => Thenable<void>) | undefined;

  before(async () => {
    await waitForActivation(30_000);
    suite.api = mnemoExtension().exports as MnemoApi;
    const config = vscode.workspace.getConfiguration('mnemo');
    const modelPathBefore = config.inspect<string>('modelPath')?.globalValue;
    restoreModelPath = () =>
      vscode.workspace.getConfiguration('mnemo').update('modelPath', modelPathBefore, vscode.ConfigurationTarget.Global);
    await config.update('modelPath', setup.modelDir(), vscode.ConfigurationTarget.Global);
    await suite.api.ctx.restartWorker();
    await eventually(
      setup.what,
      async () => {
        await suite.api.ctx.ready();
        return suite.api.ctx.service.kind === 'ready' ? true : undefined;
      },
      setup.timeoutMs,
    );
    const outcome = await vscode.commands.executeCommand<RememberOutcome>('mnemo.rememberNote', setup.note, setup.kind);
    assert.ok(outcome.ok, JSON.stringify(outcome));
    suite.noteId = outcome.notes[0]!.id;
  });

  after(async () => {
    if (suite.noteId) await vscode.commands.executeCommand('mnemo.forgetNote', suite.noteId);
    await restoreModelPath?.();
  });

  return suite;
}
