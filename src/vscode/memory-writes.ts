// The memory's write operations as the editor runs them: remember and forget through the worker,
// with progress in the status bar ("writing"), and a notification with Cancel when a write takes
// longer than `mnemo.notes.cancellableAfterMs`. Used by the commands, the chat view and the tools.
import * as vscode from 'vscode';
import type { NoteId, NoteKind } from '../memory/note';
import type { ForgetResponse, RememberResponse, RestoreResponse } from '../service/protocol';
import type { Ctx } from './ctx';
import { refuseInRestrictedMode, reportFailure, type CommandFailure } from './user-errors';

export type RememberOutcome = ({ readonly ok: true } & RememberResponse) | CommandFailure;
export type ForgetOutcome = ({ readonly ok: true } & ForgetResponse) | CommandFailure;
export type RestoreOutcome = ({ readonly ok: true } & RestoreResponse) | CommandFailure;

export async function rememberText(ctx: Ctx, text: string, kind: NoteKind): Promise<RememberOutcome> {
  const refused = refuseInRestrictedMode(ctx);
  if (refused) return refused;
  try {
    const ready = await ctx.ready();
    const written = await cancellableWrite(ctx, `mnemo: remembering "${shorten(text)}"`, (signal, report) =>
      ctx.whileWriting(text, () =>
        ready.client.request('memory/remember', { text, kind }, { signal, onProgress: event => report(event.message) }),
      ),
    );
    ctx.lastWritten = written.notes.map(note => note.id);
    ctx.log.info(
      `remembered ${written.notes.map(n => n.id).join(', ')} (${kind}) in ${written.writeMs.toFixed(0)} ms; loss ${written.loss.before.toFixed(3)} -> ${written.loss.after.toFixed(3)}`,
    );
    for (const warning of written.warnings) ctx.log.warn(`remember: ${warning}`);
    void vscode.window.setStatusBarMessage(`$(check) mnemo remembered a ${kind}`, 4000);
    return { ok: true, ...written };
  } catch (e) {
    return reportFailure(ctx, 'remember', e);
  }
}

export interface ForgetOptions {
  /** Show the note's text and ask first (default: the mnemo.notes.confirmForget setting). The
   *  language-model tool has VS Code's own confirmation; Undo Last Note is itself an undo. */
  readonly confirm?: boolean;
  /** The message offering Undo afterwards; `{text}` is the note's text. */
  readonly done?: string;
}

export const CANCELLED: CommandFailure = { ok: false, code: 'cancelled', message: 'Cancelled.' };

export async function forgetNote(ctx: Ctx, id: NoteId, options: ForgetOptions = {}): Promise<ForgetOutcome> {
  const refused = refuseInRestrictedMode(ctx);
  if (refused) return refused;
  try {
    const ready = await ctx.ready();
    if (options.confirm ?? ctx.config.confirmForget) {
      const note = (await ready.client.request('memory/list', {})).notes.find(n => n.id === id);
      // An unknown id goes on to the worker, whose error names it.
      if (note) {
        const choice = await vscode.window.showWarningMessage('Forget this mnemo note?', { modal: true, detail: note.text }, 'Forget');
        if (choice !== 'Forget') return CANCELLED;
      }
    }
    const forgotten = await ctx.whileWriting(`forget ${id}`, () => ready.client.request('memory/forget', { id }));
    ctx.lastWritten = ctx.lastWritten.filter(noteId => noteId !== id);
    if (forgotten.undoable) ctx.lastForgotten = [...ctx.lastForgotten.filter(noteId => noteId !== id), id];
    ctx.log.info(
      `forgot ${id}: ${forgotten.restored.exact} slots restored exactly, ${forgotten.restored.delta} by delta, ${forgotten.restored.base} to base`,
    );
    const message = (options.done ?? 'mnemo forgot "{text}".').replace('{text}', shorten(forgotten.text) || id);
    if (forgotten.undoable) {
      // Not awaited: the toast stays until dismissed; Undo works until the window closes (also as mnemo: Undo Forget).
      void vscode.window.showInformationMessage(message, 'Undo').then(choice => {
        if (choice === 'Undo') void restoreNote(ctx, id);
      });
    } else {
      void vscode.window.setStatusBarMessage(`$(trash) ${message}`, 4000);
    }
    return { ok: true, ...forgotten };
  } catch (e) {
    return reportFailure(ctx, 'forget', e);
  }
}

/** Undoes a forget made in this window: the note comes back with its id, text, slots and rows. */
export async function restoreNote(ctx: Ctx, id: NoteId): Promise<RestoreOutcome> {
  const refused = refuseInRestrictedMode(ctx);
  if (refused) return refused;
  try {
    const ready = await ctx.ready();
    const restored = await ctx.whileWriting(`restore ${id}`, () => ready.client.request('memory/restore', { id }));
    ctx.lastForgotten = ctx.lastForgotten.filter(noteId => noteId !== id);
    ctx.log.info(`restored ${id} (undo of its forget)`);
    void vscode.window.setStatusBarMessage(`$(discard) mnemo restored "${shorten(restored.note.text)}"`, 4000);
    return { ok: true, ...restored };
  } catch (e) {
    return reportFailure(ctx, 'restore', e);
  }
}

/** Runs a write; past the threshold a notification with Cancel shows its progress. */
async function cancellableWrite<T>(
  ctx: Ctx,
  title: string,
  work: (signal: AbortSignal, report: (message: string) => void) => Promise<T>,
): Promise<T> {
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
      return running.then(
        () => undefined,
        () => undefined,
      );
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
