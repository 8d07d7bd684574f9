// mnemo's memory for other assistants in VS Code: three language model tools (remember and forget
// ask for confirmation first; recall answers from memory with the notes it read) and the chat
// participant @mnemo. Both APIs are checked for before use: older editors, or code-server without
// chat, simply get neither. The tools' inputs are a model's output, so they are checked
// (tool-inputs.ts) before anything runs. The handlers are exported for the integration tests.
import * as vscode from 'vscode';
import type { ChatView } from './chat-view';
import type { Ctx } from './ctx';
import { forgetNote, rememberText } from './memory-writes';
import type { RelatedView } from './webview-protocol';
import { checkForgetInput, checkRecallInput, checkRememberInput } from './tool-inputs';

export const TOOL_NAMES = ['mnemo_remember', 'mnemo_recall', 'mnemo_forget'] as const;
export type ToolName = (typeof TOOL_NAMES)[number];

const text = (value: string) => new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(value)]);

/** The three tools' implementations, by name (what registerTool gets). */
export function mnemoTools(ctx: Ctx, chat: ChatView): Record<ToolName, vscode.LanguageModelTool<unknown>> {
  return {
    mnemo_remember: {
      prepareInvocation: options => {
        const checked = checkRememberInput(options.input);
        return {
          invocationMessage: "Writing a note into mnemo's memory",
          confirmationMessages: checked.ok
            ? {
                title: `Remember this ${checked.input.kind} in mnemo?`,
                message: new vscode.MarkdownString().appendText(checked.input.text),
              }
            : undefined,
        };
      },
      invoke: async options => {
        const checked = checkRememberInput(options.input);
        if (!checked.ok) return refusedInput(ctx, 'mnemo_remember', checked.reason);
        const outcome = await rememberText(ctx, checked.input.text, checked.input.kind);
        return text(outcome.ok ? `Remembered as ${outcome.notes.map(n => n.id).join(', ')}.` : `Not remembered: ${outcome.message}`);
      },
    },
    mnemo_recall: {
      prepareInvocation: () => ({ invocationMessage: "Asking mnemo's memory" }),
      invoke: async options => {
        const checked = checkRecallInput(options.input);
        if (!checked.ok) return refusedInput(ctx, 'mnemo_recall', checked.reason);
        const answer = await chat.ask(checked.input.question);
        if (!answer.ok) return text(`mnemo could not answer: ${answer.message}`);
        if (answer.kind === 'abstained') return text(recallAbstention(answer.answer, answer.related));
        const cited = answer.citations.map(c => `- ${c.noteId} (${(c.weight * 100).toFixed(0)}%): ${c.text ?? '(forgotten)'}`).join('\n');
        return text(`${answer.answer}\n\nNotes read:\n${cited || '- none'}`);
      },
    },
    mnemo_forget: {
      prepareInvocation: options => {
        const checked = checkForgetInput(options.input);
        return {
          invocationMessage: checked.ok ? `Forgetting ${checked.input.noteId}` : 'Forgetting a note',
          confirmationMessages: checked.ok
            ? { title: 'Forget this mnemo note?', message: `Note ${checked.input.noteId} will be removed and its memory slots restored.` }
            : undefined,
        };
      },
      invoke: async options => {
        const checked = checkForgetInput(options.input);
        if (!checked.ok) return refusedInput(ctx, 'mnemo_forget', checked.reason);
        // VS Code's tool confirmation already showed the note: no second question.
        const outcome = await forgetNote(ctx, checked.input.noteId, { confirm: false });
        return text(outcome.ok ? `Forgot ${outcome.id}.` : `Not forgotten: ${outcome.message}`);
      },
    },
  };
}

/** What mnemo_recall returns for an abstention: the sentence, and the nearby notes marked as not
 *  sources, so a calling model does not take them for an answer. */
export function recallAbstention(answer: string, related: readonly RelatedView[]): string {
  if (related.length === 0) return `${answer} (mnemo has no note about this; answer from elsewhere or say you do not know.)`;
  return `${answer} (mnemo has no note about this.)\n\nMaybe related, not an answer:\n${related.map(r => `- ${r.noteId}: ${r.text}`).join('\n')}`;
}

function refusedInput(ctx: Ctx, tool: ToolName, reason: string): vscode.LanguageModelToolResult {
  ctx.log.warn(`${tool}: refused its input: ${reason}`);
  return text(`Invalid input: ${reason}. Nothing was done.`);
}

export function registerLanguageModelTools(ctx: Ctx, chat: ChatView): void {
  const lm = (vscode as { lm?: typeof vscode.lm }).lm;
  if (typeof lm?.registerTool !== 'function') {
    ctx.log.info('language model tools: this editor has no vscode.lm.registerTool; skipped');
    return;
  }
  const tools = mnemoTools(ctx, chat);
  for (const name of TOOL_NAMES) ctx.pushCleanup(lm.registerTool(name, tools[name]));
}

/** @mnemo: answers from memory, then one button per note it read (opens the note in the inspector). */
export function participantHandler(chat: ChatView): vscode.ChatRequestHandler {
  return async (request, _context, stream) => {
    const answer = await chat.ask(request.prompt);
    if (!answer.ok) {
      stream.markdown(`mnemo could not answer: ${answer.message}`);
      return;
    }
    if (answer.kind === 'abstained') {
      // No remembered note covers it: say so; nearby notes are offered, clearly not as sources.
      stream.markdown(answer.answer);
      if (answer.related.length > 0) stream.markdown('\n\nMaybe related (not sources of an answer):');
      for (const note of answer.related)
        stream.button({ command: 'mnemo.openInspector', arguments: [note.noteId], title: `${note.noteId}: ${note.text.slice(0, 60)}` });
      return;
    }
    stream.markdown(answer.answer);
    for (const citation of answer.citations) {
      stream.button({
        command: 'mnemo.openInspector',
        arguments: [citation.noteId],
        title: `${citation.noteId}: ${(citation.text ?? '(forgotten)').slice(0, 60)}`,
      });
    }
  };
}

export function registerChatParticipant(ctx: Ctx, chat: ChatView): vscode.ChatParticipant | undefined {
  const chatApi = (vscode as { chat?: typeof vscode.chat }).chat;
  if (typeof chatApi?.createChatParticipant !== 'function') {
    ctx.log.info('chat participant: this editor has no vscode.chat.createChatParticipant; skipped');
    return undefined;
  }
  const participant = chatApi.createChatParticipant('mnemo.mnemo', participantHandler(chat));
  participant.iconPath = vscode.Uri.joinPath(ctx.extCtx.extensionUri, 'media', 'icon.png');
  ctx.pushCleanup(participant);
  return participant;
}
