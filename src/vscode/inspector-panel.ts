// The memory inspector: one webview panel showing every note (text, kind, date, slots owned, what it
// supersedes), a search and kind filter, the memory map (a heatmap of the slots in use and how many
// notes share each), "why did it say that" (the notes and slots behind the last answer or
// completion), forget, export and import. It refreshes when the notes or the reads change.
import * as vscode from 'vscode';
import type { NoteId } from '../memory/note';
import type { Ctx } from './ctx';
import { forgetNote } from './memory-writes';
import { inspectorData } from './note-views';
import { describeFailure } from './user-errors';
import { webviewHtml, webviewOptions } from './webview-html';
import { checkInspectorMessage } from './webview-message-check';
import type { InspectorData, InspectorToWebview } from './webview-protocol';

export const INSPECTOR_PANEL_TYPE = 'mnemo.inspector';

export class InspectorPanel {
  private panel: vscode.WebviewPanel | undefined;
  private webviewReady = false;
  private pendingSelect: string | undefined;
  /** What the panel showed last (tests read it). */
  lastData: InspectorData | undefined;

  constructor(
    private readonly ctx: Ctx,
    private readonly exportNotes: () => Promise<unknown>,
    private readonly importNotes: () => Promise<unknown>,
  ) {
    ctx.pushCleanup(ctx.onDidChangeNotes(() => void this.refresh()));
    ctx.pushCleanup(ctx.onDidChangeReads(() => void this.refresh()));
    ctx.pushCleanup({ dispose: () => this.panel?.dispose() });
  }

  /** The panel's webview while it is open (tests check its HTML's security policy). */
  get webview(): vscode.Webview | undefined {
    return this.panel?.webview;
  }

  get isOpen(): boolean {
    return this.panel !== undefined;
  }

  /** Opens (or reveals) the panel; with a note id, selects that note. Resolves with what it shows. */
  async show(noteId?: string): Promise<InspectorData | undefined> {
    if (!this.panel) {
      const extensionUri = this.ctx.extCtx.extensionUri;
      this.panel = vscode.window.createWebviewPanel(INSPECTOR_PANEL_TYPE, 'mnemo Memory', vscode.ViewColumn.Active, {
        ...webviewOptions(extensionUri),
        retainContextWhenHidden: true,
      });
      this.panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'icon.png');
      this.webviewReady = false;
      this.panel.webview.html = webviewHtml(this.panel.webview, extensionUri, 'inspector', 'mnemo Memory');
      this.panel.webview.onDidReceiveMessage(raw => void this.receive(raw));
      this.panel.onDidDispose(() => {
        this.panel = undefined;
      });
    } else {
      this.panel.reveal();
    }
    this.pendingSelect = noteId;
    return this.refresh();
  }

  async refresh(): Promise<InspectorData | undefined> {
    if (!this.panel) return undefined;
    try {
      const ready = await this.ctx.ready();
      this.lastData = await inspectorData(ready.client, this.ctx.lastReads, !this.ctx.restricted);
      // A selection of a note that is gone (forgotten here, in another window or by the CLI) is dropped:
      // the map must not keep highlighting its slots.
      const selected = this.lastData.notes.find(n => n.id === this.pendingSelect);
      if (selected?.state !== 'live') this.pendingSelect = undefined;
      this.post({ type: 'data', data: this.lastData });
      if (this.pendingSelect) this.post({ type: 'select', noteId: this.pendingSelect });
      return this.lastData;
    } catch (e) {
      this.post({ type: 'unavailable', message: describeFailure(e).message });
      return undefined;
    }
  }

  private async receive(raw: unknown): Promise<void> {
    const checked = checkInspectorMessage(raw);
    if (!checked.ok) {
      this.ctx.log.warn(`inspector: dropped a message from the webview: ${checked.reason}`);
      return;
    }
    const message = checked.message;
    switch (message.type) {
      case 'ready':
        this.webviewReady = true;
        await this.refresh();
        return;
      case 'refresh':
        await this.refresh();
        return;
      case 'select': {
        this.pendingSelect = message.noteId;
        try {
          const ready = await this.ctx.ready();
          const inspected = await ready.client.request('memory/inspect', { what: 'note', id: message.noteId as NoteId });
          if (inspected.what === 'note')
            this.post({
              type: 'note-slots',
              noteId: inspected.id,
              slots: inspected.slots.map(s => ({ slot: s.slot, sharedWith: [...s.sharedWith] })),
            });
        } catch (e) {
          this.ctx.log.warn(`inspector: ${describeFailure(e).message}`);
        }
        return;
      }
      case 'forget':
        await forgetNote(this.ctx, message.noteId as NoteId);
        return;
      case 'export':
        await this.exportNotes();
        return;
      case 'import':
        await this.importNotes();
        return;
    }
  }

  private post(message: InspectorToWebview): void {
    if (this.panel && this.webviewReady) void this.panel.webview.postMessage(message);
  }
}
