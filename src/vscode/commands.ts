// The command implementations that read (status, ask, inspector, completions toggle); the ones that
// change memory are in memory-commands.ts. Each export turns the context (and the views) into the
// handler extension.ts registers as `mnemo.<name>`; package.json "contributes.commands" lists the
// same names (an integration test checks the two agree). Handlers return structured results.
import * as vscode from 'vscode';
import type { ShowMode } from '../service/completionConfidence';
import type { ChatView } from './chat-view';
import type { Ctx } from './ctx';
import type { InspectorPanel } from './inspector-panel';
import type { NotesTree } from './notes-tree';
import { statusLines, statusSummary, type StatusReport } from './status-report';

export type Command = (...args: unknown[]) => unknown;

/** The views commands open or refresh. */
export interface Surfaces {
  readonly chat: ChatView;
  readonly inspector: InspectorPanel;
  readonly notesTree: NotesTree;
}

export type CommandFactory = (ctx: Ctx, surfaces: Surfaces) => Command;

/** `mnemo: Show Status`: re-runs the runtime self-check, shows the result and returns it. */
export function showStatus(ctx: Ctx): Command {
  return async (): Promise<StatusReport & { readonly state: string; readonly service: string }> => {
    const report: StatusReport = {
      extensionVersion: ctx.extensionVersion,
      vscodeVersion: vscode.version,
      appName: vscode.env.appName,
      uiKind: vscode.env.uiKind === vscode.UIKind.Web ? 'web' : 'desktop',
      extensionHostNode: process.versions.node,
      onnxruntime: await ctx.checkRuntime(),
    };
    for (const line of statusLines(report)) ctx.log.info(line);
    const service = ctx.service;
    const serviceLine =
      service.kind === 'ready'
        ? `model ${service.model}, ${service.notes} notes`
        : service.kind === 'no-model'
          ? `model not installed (${service.hint})`
          : service.kind === 'failed'
            ? `worker failed: ${service.message}`
            : `worker ${service.kind}`;
    ctx.log.info(`service:        ${serviceLine}; store ${ctx.storeDir}`);
    const summary = `${statusSummary(report)}; ${serviceLine}`;
    const showMessage = report.onnxruntime.kind === 'ok' ? vscode.window.showInformationMessage : vscode.window.showErrorMessage;
    // Not awaited: the message stays up until dismissed, the caller gets the report at once.
    void showMessage(summary, 'Show Log').then(choice => {
      if (choice === 'Show Log') ctx.log.show();
    });
    return { ...report, state: ctx.statusBar.kind, service: service.kind };
  };
}

/** `mnemo: Toggle Completions`: mnemo.completions.show to `off`, or back to the mode it was before
 *  (`confident` when not known); returns whether completions are now on. */
export function toggleCompletions(ctx: Ctx): Command {
  let before: ShowMode = 'confident';
  return async (): Promise<boolean> => {
    const current = ctx.config.completionsShow;
    if (current !== 'off') before = current;
    await ctx.config.setCompletionsShow(current === 'off' ? before : 'off');
    ctx.refreshStatus();
    return ctx.config.completionsEnabled;
  };
}

/** A command's text argument when it is not blank, else what the user types in an input box
 *  (undefined when they cancel). */
export async function textArgOrInput(arg: unknown, box: vscode.InputBoxOptions): Promise<string | undefined> {
  return typeof arg === 'string' && arg.trim() !== '' ? arg : vscode.window.showInputBox(box);
}

/** `mnemo: Ask`: asks in the sidebar chat (the question typed, or the argument). */
export function ask(ctx: Ctx, surfaces: Surfaces): Command {
  return async (questionArg?: unknown) => {
    const question = await textArgOrInput(questionArg, {
      title: 'mnemo: Ask',
      prompt: 'Ask about this project; mnemo answers from its memory and cites the notes it read.',
    });
    if (!question) return { ok: false, code: 'cancelled', message: 'Cancelled.' };
    await surfaces.chat.reveal();
    return surfaces.chat.ask(question);
  };
}

/** `mnemo: Open Inspector`: the memory inspector panel; with a note id, at that note. */
export function openInspector(_ctx: Ctx, surfaces: Surfaces): Command {
  return async (noteArg?: unknown) => {
    const noteId = typeof noteArg === 'string' ? noteArg : undefined;
    return surfaces.inspector.show(noteId);
  };
}

/** `mnemo: Refresh Notes` (the tree's title bar). */
export function refreshNotes(_ctx: Ctx, surfaces: Surfaces): Command {
  return () => {
    surfaces.notesTree.refresh();
    return surfaces.notesTree.notes;
  };
}

/** `mnemo: Restart Model Worker`: stops the worker; the next use starts a fresh one. */
export function restartWorker(ctx: Ctx): Command {
  return async () => {
    await ctx.restartWorker();
    return ctx.service.kind;
  };
}
