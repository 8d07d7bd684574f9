// mnemo's VS Code entry point, read as a table of contents: build the context, the views, the
// command table, the completion provider and the tools; start the runtime self-check. The model
// worker starts lazily (ctx.ts), so activation never waits on it. The work lives in the files named here.
import * as vscode from 'vscode';
import { ChatView } from './chat-view';
import * as commands from './commands';
import { registerCompletionProvider } from './completion-provider';
import { Ctx } from './ctx';
import { InspectorPanel } from './inspector-panel';
import { registerChatParticipant, registerLanguageModelTools } from './language-model-tools';
import { describeError } from './log';
import * as memoryCommands from './memory-commands';
import { NotesTree } from './notes-tree';

/** Every command, registered as `mnemo.<key>`. */
const COMMANDS: Record<string, commands.CommandFactory> = {
  showStatus: commands.showStatus,
  rememberSelection: memoryCommands.rememberSelection,
  rememberNote: memoryCommands.rememberNote,
  forgetNote: memoryCommands.forgetNoteCommand,
  undoLastNote: memoryCommands.undoLastNote,
  undoForget: memoryCommands.undoForget,
  ask: commands.ask,
  openInspector: commands.openInspector,
  toggleCompletions: commands.toggleCompletions,
  exportNotes: memoryCommands.exportNotes,
  importNotes: memoryCommands.importNotes,
  refreshNotes: commands.refreshNotes,
  restartWorker: commands.restartWorker,
};

/** What activate returns: the views, for tests and other extensions. */
export interface MnemoApi {
  readonly ctx: Ctx;
  readonly surfaces: commands.Surfaces;
  /** @mnemo, when the editor has the chat API. */
  readonly participant: vscode.ChatParticipant | undefined;
}

export function activate(extCtx: vscode.ExtensionContext): MnemoApi {
  const ctx = new Ctx(extCtx);
  try {
    ctx.log.info(`mnemo ${ctx.extensionVersion} activating in ${vscode.env.appName} ${vscode.version}`);
    const surfaces = createSurfaces(ctx);
    registerCommands(ctx, surfaces);
    registerCompletionProvider(ctx);
    registerLanguageModelTools(ctx, surfaces.chat);
    const participant = registerChatParticipant(ctx, surfaces.chat);
    // The self-check loads a native addon; it must not hold up activation.
    void ctx.checkRuntime();
    return { ctx, surfaces, participant };
  } catch (e) {
    ctx.log.error(`activation failed: ${describeError(e)}`);
    void vscode.window.showErrorMessage(`mnemo failed to activate: ${e instanceof Error ? e.message : String(e)}`);
    throw e;
  }
}

export function deactivate(): void {
  // Everything is in extCtx.subscriptions, which VS Code disposes (the worker stops with it).
}

function createSurfaces(ctx: Ctx): commands.Surfaces {
  const exportNotes = memoryCommands.exportNotes(ctx);
  const importNotes = memoryCommands.importNotes(ctx);
  const inspector = new InspectorPanel(
    ctx,
    async () => exportNotes(),
    async () => importNotes(),
  );
  const chat = new ChatView(ctx, noteId => void inspector.show(noteId));
  const notesTree = new NotesTree(ctx);
  return { chat, inspector, notesTree };
}

function registerCommands(ctx: Ctx, surfaces: commands.Surfaces): void {
  for (const [name, factory] of Object.entries(COMMANDS)) {
    ctx.pushCleanup(vscode.commands.registerCommand(`mnemo.${name}`, factory(ctx, surfaces)));
  }
}
