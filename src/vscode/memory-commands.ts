// The commands that change memory: Remember Selection, Remember Note, Forget Note, Undo Last Note,
// Export Notes, Import Notes. Each takes optional arguments so tests and other extensions can run it
// without the prompts, and returns a structured outcome.
import * as vscode from 'vscode';
import type { NoteId, NoteKind } from '../memory/note';
import { textArgOrInput, type Command } from './commands';
import type { Ctx } from './ctx';
import { CANCELLED, forgetNote, rememberText, restoreNote } from './memory-writes';
import { liveNotes } from './note-views';
import { refuseInRestrictedMode, reportFailure, type CommandFailure } from './user-errors';
import { NOTE_KIND_NAMES } from './webview-protocol';

const KIND_PICKS: readonly (vscode.QuickPickItem & { noteKind: NoteKind })[] = [
  { noteKind: 'decision', label: '$(law) Decision', description: 'a choice the project made, and why' },
  { noteKind: 'convention', label: '$(symbol-ruler) Convention', description: 'how things are done here' },
  { noteKind: 'bug', label: '$(bug) Bug', description: 'a bug and its root cause' },
];

async function pickKind(allowNote: boolean): Promise<NoteKind | undefined> {
  const picks = allowNote
    ? [...KIND_PICKS, { noteKind: 'note' as NoteKind, label: '$(note) Note', description: 'anything else' }]
    : KIND_PICKS;
  const picked = await vscode.window.showQuickPick(picks, { title: 'mnemo: Remember as…', placeHolder: 'What kind of note is this?' });
  return picked?.noteKind;
}

function isKind(value: unknown): value is NoteKind {
  return (NOTE_KIND_NAMES as readonly unknown[]).includes(value);
}

/** `mnemo: Remember Selection` (editor context menu when text is selected). Args: kind. */
export function rememberSelection(ctx: Ctx): Command {
  return async (kindArg?: unknown) => {
    const editor = vscode.window.activeTextEditor;
    const text = editor
      ? editor.selections
          .map(s => editor.document.getText(s))
          .join('\n')
          .trim()
      : '';
    if (!editor || text === '') {
      void vscode.window.showInformationMessage('mnemo: select the text to remember first.');
      return { ok: false, code: 'no-selection', message: 'Nothing is selected.' } satisfies CommandFailure;
    }
    const refused = refuseInRestrictedMode(ctx);
    if (refused) return refused;
    const kind = isKind(kindArg) ? kindArg : await pickKind(false);
    if (!kind) return CANCELLED;
    return rememberText(ctx, text, kind);
  };
}

/** `mnemo: Remember Note`: a typed note. Args: text, kind. */
export function rememberNote(ctx: Ctx): Command {
  return async (textArg?: unknown, kindArg?: unknown) => {
    const refused = refuseInRestrictedMode(ctx);
    if (refused) return refused;
    const text = await textArgOrInput(textArg, {
      title: 'mnemo: Remember Note',
      prompt: 'A decision, a convention, or a bug and its root cause. mnemo writes it into its memory, not into prompts.',
      placeHolder: 'e.g. Amounts are integer cents; never use floats for money.',
      validateInput: value => (value.trim() === '' ? 'Type the note to remember.' : undefined),
    });
    if (!text) return CANCELLED;
    const kind = isKind(kindArg) ? kindArg : await pickKind(true);
    if (!kind) return CANCELLED;
    return rememberText(ctx, text, kind);
  };
}

/** `mnemo: Forget Note`: a quick pick of the notes. Args: note id. */
export function forgetNoteCommand(ctx: Ctx): Command {
  return async (idArg?: unknown) => {
    const refused = refuseInRestrictedMode(ctx);
    if (refused) return refused;
    // From the tree's context menu the argument is the tree node.
    const fromNode =
      typeof idArg === 'object' && idArg !== null && 'note' in idArg ? (idArg as { note: { id: string } }).note.id : undefined;
    let id = typeof idArg === 'string' ? idArg : fromNode;
    if (!id) {
      try {
        const ready = await ctx.ready();
        const notes = await liveNotes(ready.client);
        if (notes.length === 0) {
          void vscode.window.showInformationMessage('mnemo has no notes to forget.');
          return { ok: false, code: 'no-notes', message: 'There are no notes.' } satisfies CommandFailure;
        }
        const picked = await vscode.window.showQuickPick(
          notes.map(note => ({
            label: note.text.split('\n')[0]!,
            description: `${note.kind} · ${note.created.slice(0, 10)}`,
            detail: note.id,
            id: note.id,
          })),
          { title: 'mnemo: Forget Note', placeHolder: 'The note to forget (its memory slots are restored)', matchOnDescription: true },
        );
        id = picked?.id;
      } catch (e) {
        return reportFailure(ctx, 'forget', e);
      }
    }
    if (!id) return CANCELLED;
    return forgetNote(ctx, id as NoteId);
  };
}

/** `mnemo: Undo Last Note`: forgets what the last remember wrote in this window. */
export function undoLastNote(ctx: Ctx): Command {
  return async () => {
    const ids = [...ctx.lastWritten];
    if (ids.length === 0) {
      void vscode.window.showInformationMessage('mnemo: no note to undo in this window.');
      return { ok: false, code: 'nothing-to-undo', message: 'No note was written in this window.' } satisfies CommandFailure;
    }
    const outcomes = [];
    // An undo itself: no question first, and the message names what it removed (with Undo).
    for (const id of ids.reverse())
      outcomes.push(await forgetNote(ctx, id, { confirm: false, done: 'mnemo: Undo Last Note removed "{text}".' }));
    return (
      outcomes.find(outcome => !outcome.ok) ?? {
        ok: true,
        forgotten: ids,
        texts: outcomes.map(outcome => (outcome.ok ? outcome.text : '')),
      }
    );
  };
}

/** `mnemo: Undo Forget`: brings back the last note forgotten in this window (or the one named). Args: note id. */
export function undoForget(ctx: Ctx): Command {
  return async (idArg?: unknown) => {
    const id = typeof idArg === 'string' ? idArg : ctx.lastForgotten.at(-1);
    if (!id) {
      void vscode.window.showInformationMessage('mnemo: no forgotten note to bring back in this window.');
      return { ok: false, code: 'nothing-to-undo', message: 'No note was forgotten in this window.' } satisfies CommandFailure;
    }
    return restoreNote(ctx, id as NoteId);
  };
}

/** `mnemo: Export Notes`: the store's notes and rows to a file. Args: file path. */
export function exportNotes(ctx: Ctx): Command {
  return async (fileArg?: unknown) => {
    const file =
      typeof fileArg === 'string'
        ? fileArg
        : (
            await vscode.window.showSaveDialog({
              title: 'mnemo: Export Notes',
              filters: { 'mnemo notes': ['mnemo'] },
              defaultUri: vscode.workspace.workspaceFolders?.[0]
                ? vscode.Uri.joinPath(vscode.workspace.workspaceFolders[0].uri, 'notes.mnemo')
                : undefined,
            })
          )?.fsPath;
    if (!file) return CANCELLED;
    try {
      const ready = await ctx.ready();
      const exported = await ready.client.request('memory/export', { file });
      void vscode.window.showInformationMessage(
        `mnemo exported ${exported.notes} note${exported.notes === 1 ? '' : 's'} to ${vscode.workspace.asRelativePath(file)}.`,
      );
      return { ok: true, ...exported };
    } catch (e) {
      return reportFailure(ctx, 'export', e);
    }
  };
}

/** `mnemo: Import Notes`: merges notes exported from another store. Args: file path. */
export function importNotes(ctx: Ctx): Command {
  return async (fileArg?: unknown) => {
    const refused = refuseInRestrictedMode(ctx);
    if (refused) return refused;
    const file =
      typeof fileArg === 'string'
        ? fileArg
        : (
            await vscode.window.showOpenDialog({
              title: 'mnemo: Import Notes',
              canSelectMany: false,
              filters: { 'mnemo notes': ['mnemo'] },
            })
          )?.[0]?.fsPath;
    if (!file) return CANCELLED;
    try {
      const ready = await ctx.ready();
      const imported = await ctx.whileWriting('import', () => ready.client.request('memory/import', { file, mode: 'merge' }));
      void vscode.window.showInformationMessage(`mnemo imported ${imported.imported} note${imported.imported === 1 ? '' : 's'}.`);
      return { ok: true, ...imported };
    } catch (e) {
      return reportFailure(ctx, 'import', e);
    }
  };
}
