// The sidebar chat: a webview view in the "mnemo" activity-bar container. A question goes to the
// worker; the answer streams into the view; the notes it drew on come back as citations (a click
// opens the note in the inspector, a button forgets it); any message can be remembered as a note.
// Messages from the webview are checked (webview-message-check.ts) before anything runs.
import * as vscode from 'vscode';
import type { NoteId } from '../memory/note';
import type { Ctx } from './ctx';
import { forgetNote, rememberText } from './memory-writes';
import { citationViews, relatedViews } from './note-views';
import { describeFailure } from './user-errors';
import { webviewHtml, webviewOptions } from './webview-html';
import { checkChatMessage } from './webview-message-check';
import type { ChatToWebview, CitationView, RelatedView } from './webview-protocol';

export const CHAT_VIEW_ID = 'mnemo.chat';

/** An answer from memory, or an abstention (no remembered note covers the question: `answer` says
 *  so, no citations, and `related` lists up to 3 nearest notes, which are not sources). */
export type ChatAnswer =
  | {
      readonly ok: true;
      readonly kind: 'answered';
      readonly question: string;
      readonly answer: string;
      readonly citations: readonly CitationView[];
      readonly firstTokenMs: number;
    }
  | {
      readonly ok: true;
      readonly kind: 'abstained';
      readonly question: string;
      readonly answer: string;
      readonly citations: readonly [];
      readonly related: readonly RelatedView[];
      readonly firstTokenMs: number;
    }
  | { readonly ok: false; readonly code: string; readonly message: string };

export class ChatView implements vscode.WebviewViewProvider {
  private view: vscode.WebviewView | undefined;
  private nextAnswerId = 1;
  private running: AbortController | undefined;
  private readonly pendingPosts: ChatToWebview[] = [];
  /** The webview's script has said 'ready': earlier posts would be lost, so they wait. */
  private webviewReady = false;

  constructor(
    private readonly ctx: Ctx,
    private readonly openNote: (noteId: string) => void,
  ) {
    ctx.pushCleanup(vscode.window.registerWebviewViewProvider(CHAT_VIEW_ID, this, { webviewOptions: { retainContextWhenHidden: true } }));
    ctx.pushCleanup(
      ctx.onDidChangeNotes(event => {
        if (event?.reason === 'forget') this.post({ type: 'notes-gone', noteIds: [...event.noteIds] });
        this.postStatus();
      }),
    );
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    this.webviewReady = false;
    view.webview.options = webviewOptions(this.ctx.extCtx.extensionUri);
    view.webview.html = webviewHtml(view.webview, this.ctx.extCtx.extensionUri, 'chat', 'mnemo chat');
    view.webview.onDidReceiveMessage(raw => void this.receive(raw));
    view.onDidDispose(() => {
      this.view = undefined;
    });
  }

  /** The view's webview once VS Code has resolved it (tests check its HTML's security policy). */
  get webview(): vscode.Webview | undefined {
    return this.view?.webview;
  }

  /** Reveals the view (its container opens in the side bar). */
  async reveal(): Promise<void> {
    await vscode.commands.executeCommand(`${CHAT_VIEW_ID}.focus`);
  }

  /** Asks in the chat: shown in the view as it streams; the answer and citations are returned. */
  async ask(question: string): Promise<ChatAnswer> {
    this.running?.abort();
    const controller = new AbortController();
    this.running = controller;
    const id = this.nextAnswerId++;
    this.post({ type: 'answer-start', id, question });
    try {
      const ready = await this.ctx.ready();
      const stream = ready.client.ask({ question, maxTokens: this.ctx.config.chatMaxTokens }, { signal: controller.signal });
      for await (const chunk of stream) this.post({ type: 'answer-chunk', id, text: chunk.text });
      const result = await stream.result;
      if (result.outcome.kind === 'abstained') {
        const related = await relatedViews(ready.client, result.outcome.related);
        this.post({ type: 'answer-done', id, answer: result.answer, citations: [], abstained: { related } });
        this.ctx.recordReads({
          source: 'answer',
          prompt: question,
          output: result.answer,
          citations: [],
          at: new Date().toISOString(),
          abstained: true,
        });
        this.ctx.log.info(
          `abstained (${result.outcome.reason}): no remembered note covers the question${related.length > 0 ? `; maybe related: ${related.map(r => r.noteId).join(', ')}` : ''}`,
        );
        return { ok: true, kind: 'abstained', question, answer: result.answer, citations: [], related, firstTokenMs: result.firstTokenMs };
      }
      const citations = await citationViews(ready.client, result.citations);
      this.post({ type: 'answer-done', id, answer: result.answer, citations });
      this.ctx.recordReads({
        source: 'answer',
        prompt: question,
        output: result.answer,
        citations: result.citations,
        at: new Date().toISOString(),
      });
      this.ctx.log.info(
        `answered in ${result.totalMs.toFixed(0)} ms (first token ${result.firstTokenMs.toFixed(0)} ms), citing ${citations.map(c => c.noteId).join(', ') || 'no notes'}`,
      );
      return { ok: true, kind: 'answered', question, answer: result.answer, citations, firstTokenMs: result.firstTokenMs };
    } catch (e) {
      const failure = describeFailure(e);
      this.post({ type: 'answer-error', id, message: failure.code === 'cancelled' ? 'Stopped.' : failure.message });
      if (failure.code !== 'cancelled') this.ctx.log.error(`ask: ${failure.message}`);
      return failure;
    } finally {
      if (this.running === controller) this.running = undefined;
    }
  }

  private async receive(raw: unknown): Promise<void> {
    const checked = checkChatMessage(raw);
    if (!checked.ok) {
      this.ctx.log.warn(`chat view: dropped a message from the webview: ${checked.reason}`);
      return;
    }
    const message = checked.message;
    switch (message.type) {
      case 'ready':
        this.webviewReady = true;
        for (const post of this.pendingPosts.splice(0)) void this.view?.webview.postMessage(post);
        this.postStatus();
        return;
      case 'ask':
        await this.ask(message.question);
        return;
      case 'cancel':
        this.running?.abort();
        return;
      case 'remember': {
        const outcome = await rememberText(this.ctx, message.text, message.kind);
        this.post({
          type: 'info',
          message: outcome.ok ? `Remembered as a ${message.kind} (${outcome.notes.map(n => n.id).join(', ')}).` : outcome.message,
        });
        return;
      }
      case 'forget': {
        const outcome = await forgetNote(this.ctx, message.noteId as NoteId);
        this.post({ type: 'info', message: outcome.ok ? `Forgot ${message.noteId}.` : outcome.message });
        return;
      }
      case 'open-note':
        this.openNote(message.noteId);
        return;
    }
  }

  private postStatus(): void {
    const service = this.ctx.service;
    const available = service.kind !== 'no-model' && service.kind !== 'failed';
    const text =
      service.kind === 'no-model' ? `The model is not installed. ${service.hint}` : service.kind === 'failed' ? service.message : '';
    this.post({ type: 'status', text, canWrite: !this.ctx.restricted, available });
  }

  private post(message: ChatToWebview): void {
    if (this.view && this.webviewReady) void this.view.webview.postMessage(message);
    else if (message.type !== 'status') this.pendingPosts.push(message);
  }
}
