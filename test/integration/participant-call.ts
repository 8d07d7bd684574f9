// Calls the @mnemo chat participant's handler as VS Code does, with a response stream that records
// what it writes (the text and the note buttons), for the tests that check what @mnemo says.
import * as vscode from 'vscode';
import type { ChatView } from '../../src/vscode/chat-view';
import { participantHandler } from '../../src/vscode/language-model-tools';

export interface ParticipantReply {
  readonly markdown: readonly string[];
  readonly buttons: readonly vscode.Command[];
}

export async function askParticipant(chat: ChatView, prompt: string): Promise<ParticipantReply> {
  const markdown: string[] = [];
  const buttons: vscode.Command[] = [];
  const stream = {
    markdown: (value: string | vscode.MarkdownString) => void markdown.push(typeof value === 'string' ? value : value.value),
    button: (command: vscode.Command) => void buttons.push(command),
  } as unknown as vscode.ChatResponseStream;
  const request = { prompt, command: undefined, references: [], toolReferences: [] } as unknown as vscode.ChatRequest;
  const context = { history: [] } as unknown as vscode.ChatContext;
  await participantHandler(chat)(request, context, stream, new vscode.CancellationTokenSource().token);
  return { markdown, buttons };
}
