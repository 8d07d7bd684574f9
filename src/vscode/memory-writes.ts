// The memory's write operations as the editor runs them: remember and forget through the worker,
// with progress in the status bar ("writing"), and a notification with Cancel when a write takes
// longer than `mnemo.notes.cancellableAfterMs`. Used by the commands, the chat view and the tools.
import * as vscode from 'vscode';
import type { NoteId, NoteKind } from '../memory/note';
import type { ForgetResponse, RememberResponse } from '../service/protocol';
import type { Ctx } from './ctx';
import { refuseInRestrictedMode, reportFailure, type CommandFailure } from './user-errors';

export type RememberOutcome = ({ readonly ok: true } & RememberResponse) | CommandFailure;
export type ForgetOutcome = ({ readonly ok: true } & ForgetResponse) | CommandFailure;

export async function rememberText(ctx: Ctx, text: string, kind: NoteKind): Promise<RememberOutcome> {
  const refused = refuseInRestrictedMode(ctx);
  if (refused) return refused;
  try {
    const ready = await ctx.ready();
    const written = await cancellableWrite(ctx, `mnemo: remembering "${shorten(text)}"`, (signal, report) =>
      ctx.whileWriting(text, () => ready.client.request('memory/remember', { text, kind }, { signal, onProgress: event => report(event.message) })),
    );
    ctx.lastWritten = written.notes.map(note => note.id);
    ctx.log.info(`remembered ${written.notes.map(n => n.id).join(', ')} (${kind}) in ${written.writeMs.toFixed(0)} ms; loss ${written.loss.before.toFixed(3)} -> ${written.loss.after.toFixed(3)}`);
    for (const warning of written.warnings) ctx.log.warn(`remember: ${warning}`);
    void vscode.window.setStatusBarMessage(`$(check) mnemo remembered a ${kind}`, 4000);
    return { ok: true, ...written };
  } catch (e) {
    return reportFailure(ctx, 'remember', e);
  }
}

export async function forgetNote(ctx: Ctx, id: NoteId): Promise<ForgetOutcome> {
  const refused = refuseInRestrictedMode(ctx);
  if (refused) return refused;
  try {
    const ready = await ctx.ready();
    const forgotten = await ctx.whileWriting(`forget ${id}`, () => ready.client.request('memory/forget', { id }));
    ctx.lastWritten = ctx.lastWritten.filter(noteId => noteId !== id);
    ctx.log.info(`forgot ${id}: ${forgotten.restored.exact} slots restored exactly, ${forgotten.restored.delta} by delta, ${forgotten.restored.base} to base`);
    void vscode.window.setStatusBarMessage(`$(trash) mnemo forgot ${id}`, 4000);
    return { ok: true, ...forgotten };
  } catch (e) {
    return reportFailure(ctx, 'forget', e);
  }
}

/** Runs a write; past the threshold a notification with Cancel shows its progress. */
async function cancellableWrite<T>(ctx: Ctx, title: string, work: (signal: AbortSignal, report: (message: string) => void) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let latest = '';
  let reportToNotification: ((message: string) => void) | undefined;
  const running = work(controller.signal, message => {
    latest = message;
    reportToNotification?.(message);
  });
  const timer = setTimeout(() => {
    void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) => {
      token.onCancellationRequested(() => controller.abort());
      reportToNotification = message => progress.report({ message });
      if (latest) progress.report({ message: latest });
      return running.then(() => undefined, () => undefined);
    });
  }, ctx.config.cancellableAfterMs);
  try {
    return await running;
  } finally {
    clearTimeout(timer);
  }
}

function shorten(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 50 ? `${line.slice(0, 49)}…` : line;
}
