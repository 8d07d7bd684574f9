// Runs inside a real VS Code's extension host (the extensionTestsPath of a code-server run started
// by vscodeCompletions.ts): opens the 2,000-line file of typingSession.ts, retypes lines in it one
// character at a time with real editor edits, and after each keystroke calls mnemo's own inline
// completion provider (provideCompletion, over the running extension's context and worker) with
// the debounce set to 0, timing call to items. Writes the latencies as JSON to MNEMO_BENCH_OUT.

import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { provideCompletion } from '../../src/vscode/completion-provider';
import type { MnemoApi } from '../../src/vscode/extension';
import { generateCodeFile, keystrokes } from './typingSession';

export interface HostCompletionResult {
  readonly ms: readonly number[];
  readonly nonEmpty: number;
  readonly firstMs: number;
  readonly error?: string;
}

export async function run(): Promise<void> {
  const out = process.env.MNEMO_BENCH_OUT;
  if (!out) throw new Error('MNEMO_BENCH_OUT is not set');
  try {
    fs.writeFileSync(
      out,
      JSON.stringify(await measure(Number(process.env.MNEMO_BENCH_SITES ?? 6), Number(process.env.MNEMO_BENCH_TYPED ?? 6))),
    );
  } catch (e) {
    fs.writeFileSync(
      out,
      JSON.stringify({
        ms: [],
        nonEmpty: 0,
        firstMs: 0,
        error: e instanceof Error ? (e.stack ?? e.message) : String(e),
      } satisfies HostCompletionResult),
    );
  }
}

async function measure(sites: number, typed: number): Promise<HostCompletionResult> {
  const extension = vscode.extensions.getExtension<MnemoApi>('mnemo.mnemo');
  if (!extension) throw new Error('mnemo is not installed in this VS Code');
  const api = extension.isActive ? extension.exports : await extension.activate();
  await vscode.workspace.getConfiguration('mnemo').update('completions.debounceMs', 0, vscode.ConfigurationTarget.Global);
  const file = generateCodeFile(2000);
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  if (!folder) throw new Error('no workspace folder');
  const uri = vscode.Uri.joinPath(folder, 'src', 'billing.ts');
  await vscode.workspace.fs.writeFile(uri, Buffer.from(file));
  const editor = await vscode.window.showTextDocument(uri);
  const document = editor.document;
  const complete = async (position: vscode.Position) => {
    const source = new vscode.CancellationTokenSource();
    const started = performance.now();
    const items = await provideCompletion(api.ctx, document, position, source.token);
    return { ms: performance.now() - started, items: items.length };
  };
  // The first request starts the worker and loads the model: timed apart.
  const first = await complete(document.lineAt(document.lineCount - 1).range.end);

  const ms: number[] = [];
  let nonEmpty = 0;
  const strokes = keystrokes(file, sites, typed);
  for (let i = 0; i < strokes.length; i++) {
    const stroke = strokes[i]!;
    const text = file.split('\n')[stroke.line]!;
    if (i === 0 || strokes[i - 1]!.line !== stroke.line) {
      // A new site: clear the line after its indentation, as if about to type it.
      const line = document.lineAt(stroke.line);
      await editor.edit(edit => edit.delete(new vscode.Range(stroke.line, stroke.column, stroke.line, line.text.length)));
    } else {
      await editor.edit(edit => edit.insert(new vscode.Position(stroke.line, stroke.column - 1), text[stroke.column - 1]!));
    }
    const position = new vscode.Position(stroke.line, stroke.column);
    editor.selection = new vscode.Selection(position, position);
    const result = await complete(position);
    ms.push(result.ms);
    if (result.items > 0) nonEmpty++;
  }
  return { ms, nonEmpty, firstMs: first.ms };
}
