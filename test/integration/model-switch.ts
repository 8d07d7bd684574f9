// What a suite that runs on a model of its own does first: point mnemo.modelPath at it, restart the
// worker (its model is fixed for its life, so nothing below reaches the old one) and wait until it
// is ready; and how it remembers the note it asks about. The suite puts the setting back after.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { MnemoApi } from '../../src/vscode/extension';
import type { RememberOutcome } from '../../src/vscode/memory-writes';
import { eventually } from './webview-ui';

/** Captures the user's mnemo.modelPath now; the function returned puts it back. */
export function modelPathRestorer(): () => Thenable<void> {
  const before = vscode.workspace.getConfiguration('mnemo').inspect<string>('modelPath')?.globalValue;
  return () => vscode.workspace.getConfiguration('mnemo').update('modelPath', before, vscode.ConfigurationTarget.Global);
}

/** Switches the extension to the model in `modelDir` and waits for a ready worker on it. */
export async function useModel(api: MnemoApi, modelDir: string, what: string, timeoutMs: number): Promise<void> {
  await vscode.workspace.getConfiguration('mnemo').update('modelPath', modelDir, vscode.ConfigurationTarget.Global);
  await api.ctx.restartWorker();
  await eventually(
    what,
    async () => {
      await api.ctx.ready();
      return api.ctx.service.kind === 'ready' ? true : undefined;
    },
    timeoutMs,
  );
}

/** Remembers `text` through the command palette's command; the id of the note it wrote. */
export async function rememberNote(text: string, kind: string): Promise<string> {
  const outcome = await vscode.commands.executeCommand<RememberOutcome>('mnemo.rememberNote', text, kind);
  assert.ok(outcome.ok, JSON.stringify(outcome));
  return outcome.notes[0]!.id;
}
