// mnemo's memory for other assistants in VS Code: three language model tools (remember and forget
// ask for confirmation first; recall answers from memory with the notes it read) and the chat
// participant @mnemo. Both APIs are checked for before use: older editors, or code-server without
// chat, simply get neither.
import * as vscode from 'vscode';
import type { NoteId } from '../memory/note';
import type { ChatView } from './chat-view';
import type { Ctx } from './ctx';
import { forgetNote, rememberText } from './memory-writes';
import { NOTE_KIND_NAMES, type NoteKindName } from './webview-protocol';

interface RememberInput { readonly text: string; readonly kind?: NoteKindName }
interface RecallInput { readonly question: string }
interface ForgetInput { readonly noteId: string }

export function registerLanguageModelTools(ctx: Ctx, chat: ChatView): void {
  const lm = (vscode as { lm?: typeof vscode.lm }).lm;
  if (typeof lm?.registerTool !== 'function') {
    ctx.log.info('language model tools: this editor has no vscode.lm.registerTool; skipped');
    return;
  }
  const text = (value: string) => new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(value)]);

  ctx.pushCleanup(lm.registerTool<RememberInput>('mnemo_remember', {
    prepareInvocation: options => ({
      invocationMessage: 'Writing a note into mnemo\'s memory',
      confirmationMessages: { title: 'Remember this in mnemo?', message: new vscode.MarkdownString().appendText(options.input.text) },
    }),
    invoke: async options => {
      const kind = NOTE_KIND_NAMES.includes(options.input.kind as NoteKindName) ? options.input.kind! : 'note';
      const outcome = await rememberText(ctx, options.input.text, kind);
      return text(outcome.ok ? `Remembered as ${outcome.notes.map(n => n.id).join(', ')}.` : `Not remembered: ${outcome.message}`);
    },
  }));

  ctx.pushCleanup(lm.registerTool<RecallInput>('mnemo_recall', {
    prepareInvocation: () => ({ invocationMessage: 'Asking mnemo\'s memory' }),
    invoke: async options => {
      const answer = await chat.ask(options.input.question);
      if (!answer.ok) return text(`mnemo could not answer: ${answer.message}`);
      const cited = answer.citations.map(c => `- ${c.noteId} (${(c.weight * 100).toFixed(0)}%): ${c.text ?? '(forgotten)'}`).join('\n');
      return text(`${answer.answer}\n\nNotes read:\n${cited || '- none'}`);
    },
  }));

  ctx.pushCleanup(lm.registerTool<ForgetInput>('mnemo_forget', {
    prepareInvocation: options => ({
      invocationMessage: `Forgetting ${options.input.noteId}`,
      confirmationMessages: { title: 'Forget this mnemo note?', message: `Note ${options.input.noteId} will be removed and its memory slots restored.` },
    }),
    invoke: async options => {
      const outcome = await forgetNote(ctx, options.input.noteId as NoteId);
      return text(outcome.ok ? `Forgot ${outcome.id}.` : `Not forgotten: ${outcome.message}`);
    },
  }));
}

export function registerChatParticipant(ctx: Ctx, chat: ChatView): void {
  const chatApi = (vscode as { chat?: typeof vscode.chat }).chat;
  if (typeof chatApi?.createChatParticipant !== 'function') {
    ctx.log.info('chat participant: this editor has no vscode.chat.createChatParticipant; skipped');
    return;
  }
  const participant = chatApi.createChatParticipant('mnemo.mnemo', async (request, _context, stream) => {
    const answer = await chat.ask(request.prompt);
    if (!answer.ok) {
      stream.markdown(`mnemo could not answer: ${answer.message}`);
      return;
    }
    stream.markdown(answer.answer);
    for (const citation of answer.citations) {
      stream.button({ command: 'mnemo.openInspector', arguments: [citation.noteId], title: `${citation.noteId}: ${(citation.text ?? '(forgotten)').slice(0, 60)}` });
    }
  });
  participant.iconPath = vscode.Uri.joinPath(ctx.extCtx.extensionUri, 'media', 'icon.png');
  ctx.pushCleanup(participant);
}
