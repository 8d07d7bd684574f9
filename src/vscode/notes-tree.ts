// The "Notes" tree in the mnemo side bar: the live notes grouped by kind (decision, convention, bug,
// note), newest first. A click opens the note in the inspector; the context menu forgets it.
import * as vscode from 'vscode';
import type { Ctx } from './ctx';
import { liveNotes } from './note-views';
import { describeFailure } from './user-errors';
import { NOTE_KIND_NAMES, type NoteKindName, type NoteView } from './webview-protocol';

export const NOTES_VIEW_ID = 'mnemo.notes';

export type NotesTreeNode =
  | { readonly kind: 'group'; readonly noteKind: NoteKindName; readonly notes: readonly NoteView[] }
  | { readonly kind: 'note'; readonly note: NoteView }
  | { readonly kind: 'message'; readonly text: string };

const KIND_LABELS: Record<NoteKindName, string> = { decision: 'Decisions', convention: 'Conventions', bug: 'Bugs', note: 'Notes' };
const KIND_ICONS: Record<NoteKindName, string> = { decision: 'law', convention: 'symbol-ruler', bug: 'bug', note: 'note' };

export class NotesTree implements vscode.TreeDataProvider<NotesTreeNode> {
  private readonly changed = new vscode.EventEmitter<NotesTreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  /** The notes the tree showed last (tests read it). */
  notes: readonly NoteView[] = [];

  constructor(private readonly ctx: Ctx) {
    ctx.pushCleanup(this.changed);
    ctx.pushCleanup(vscode.window.createTreeView(NOTES_VIEW_ID, { treeDataProvider: this, showCollapseAll: true }));
    ctx.pushCleanup(ctx.onDidChangeNotes(() => this.changed.fire(undefined)));
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  getTreeItem(node: NotesTreeNode): vscode.TreeItem {
    switch (node.kind) {
      case 'group': {
        const item = new vscode.TreeItem(KIND_LABELS[node.noteKind], vscode.TreeItemCollapsibleState.Expanded);
        item.description = String(node.notes.length);
        item.iconPath = new vscode.ThemeIcon(KIND_ICONS[node.noteKind]);
        item.contextValue = 'mnemo.kind';
        return item;
      }
      case 'note': {
        const item = new vscode.TreeItem(firstLine(node.note.text), vscode.TreeItemCollapsibleState.None);
        item.id = node.note.id;
        item.description = `${node.note.created.slice(0, 10)} · ${node.note.slotCount} slots`;
        item.tooltip = new vscode.MarkdownString()
          .appendText(node.note.text)
          .appendMarkdown(
            `\n\n*${node.note.kind}* · ${node.note.id} · ${node.note.created}${node.note.supersedes ? ` · supersedes ${node.note.supersedes}` : ''}`,
          );
        item.contextValue = 'mnemo.note';
        item.command = { command: 'mnemo.openInspector', title: 'Open in Inspector', arguments: [node.note.id] };
        item.accessibilityInformation = { label: `${node.note.kind}: ${node.note.text}` };
        return item;
      }
      case 'message':
        return new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
    }
  }

  async getChildren(node?: NotesTreeNode): Promise<NotesTreeNode[]> {
    if (node?.kind === 'group') return node.notes.map(note => ({ kind: 'note', note }));
    if (node) return [];
    try {
      const ready = await this.ctx.ready();
      this.notes = await liveNotes(ready.client);
    } catch (e) {
      this.notes = [];
      return [{ kind: 'message', text: describeFailure(e).message }];
    }
    // An empty list shows the view's welcome content instead.
    return NOTE_KIND_NAMES.map(noteKind => ({
      kind: 'group' as const,
      noteKind,
      notes: this.notes.filter(n => n.kind === noteKind).sort((a, b) => b.created.localeCompare(a.created)),
    })).filter(group => group.notes.length > 0);
  }
}

function firstLine(text: string): string {
  const line = text.split('\n').find(l => l.trim() !== '') ?? text;
  return line.length > 80 ? `${line.slice(0, 79)}…` : line;
}
