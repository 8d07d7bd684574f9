// Inline completions (ghost text) for every language, through the worker's model/complete: the
// document text before the cursor goes to the model, which reads its memory mid-pass. A debounce
// (mnemo.completions.debounceMs) lets fast typing through without requests; VS Code's cancellation
// token cancels the request in the worker (and a newer completion cancels an older one there too,
// while the worker's KV cache keeps the shared prefix across keystrokes). The service stops a
// completion at the end of the line after text, or at a blank line / dedent on an empty line;
// mnemo.completions.multiline = false cuts it at the first line break. mnemo.completions.show says
// which ghost text the service keeps (service/completionConfidence.ts: by default only what is likely
// right). Ghost text from a note says so in the status bar ("from note n12: formatCents") while it
// is shown; accepting it is VS Code's one insert, so one Undo takes it back.
import * as vscode from 'vscode';
import { provenanceText } from './ghost-provenance';
import type { Ctx } from './ctx';
import { describeFailure } from './user-errors';

/** Characters of text before the cursor sent along; the service keeps the last 256 tokens of it. */
const PREFIX_CHARS = 4000;

export function registerCompletionProvider(ctx: Ctx): void {
  const provider: vscode.InlineCompletionItemProvider = {
    provideInlineCompletionItems: (document, position, _context, token) => provideCompletion(ctx, document, position, token),
  };
  ctx.pushCleanup(vscode.languages.registerInlineCompletionItemProvider({ pattern: '**' }, provider));
}

export async function provideCompletion(
  ctx: Ctx,
  document: vscode.TextDocument,
  position: vscode.Position,
  token: vscode.CancellationToken,
): Promise<vscode.InlineCompletionItem[]> {
  const show = ctx.config.completionsShow;
  if (show === 'off') return [];
  clearProvenance();
  const service = ctx.service.kind;
  if (service === 'no-model' || service === 'failed') return [];
  if (!(await debounce(ctx.config.completionsDebounceMs, token))) return [];
  const controller = new AbortController();
  const subscription = token.onCancellationRequested(() => controller.abort());
  try {
    const ready = await ctx.ready();
    if (token.isCancellationRequested) return [];
    const start = document.offsetAt(position);
    const prefix = document.getText(new vscode.Range(document.positionAt(Math.max(0, start - PREFIX_CHARS)), position));
    const filePath = vscode.workspace.asRelativePath(document.uri, false);
    const result = await ready.client.request('model/complete', { filePath, prefix, show }, { signal: controller.signal });
    const text = shapeCompletion(result.completion, ctx.config.completionsMultiline);
    if (token.isCancellationRequested) return [];
    // The reads are recorded even for an empty completion: the inspector shows what the model read.
    ctx.recordReads({
      source: 'completion',
      prompt: prefix.slice(-200),
      output: text,
      citations: result.citations,
      at: new Date().toISOString(),
    });
    if (text.trim() === '') return [];
    const provenance = provenanceText(result);
    if (provenance) shownProvenance = vscode.window.setStatusBarMessage(provenance, PROVENANCE_MS);
    return [new vscode.InlineCompletionItem(text, new vscode.Range(position, position))];
  } catch (e) {
    const failure = describeFailure(e);
    if (failure.code !== 'cancelled') ctx.log.warn(`completion: ${failure.message}`);
    return [];
  } finally {
    subscription.dispose();
  }
}

/** How long the status bar names the note a shown completion came from (a new request clears it). */
const PROVENANCE_MS = 10_000;
let shownProvenance: vscode.Disposable | undefined;

function clearProvenance(): void {
  shownProvenance?.dispose();
  shownProvenance = undefined;
}

/** Single-line mode keeps the text up to the first line break. */
export function shapeCompletion(completion: string, multiline: boolean): string {
  if (multiline) return completion.replace(/\s+$/, '');
  const lineBreak = completion.indexOf('\n');
  return lineBreak === -1 ? completion : completion.slice(0, lineBreak);
}

/** Waits out the debounce; false when the request was cancelled meanwhile (the user typed on). */
function debounce(ms: number, token: vscode.CancellationToken): Promise<boolean> {
  if (ms <= 0) return Promise.resolve(!token.isCancellationRequested);
  return new Promise(resolve => {
    const timer = setTimeout(() => {
      subscription.dispose();
      resolve(!token.isCancellationRequested);
    }, ms);
    const subscription = token.onCancellationRequested(() => {
      clearTimeout(timer);
      subscription.dispose();
      resolve(false);
    });
  });
}
