// The messages between the extension and its two webviews (the chat view and the memory inspector),
// one map per direction like src/service/protocol.ts. The front ends in media/ import these types, so
// both sides are type-checked against one definition; what arrives from a webview is checked at run
// time by the parsers below before the extension acts on it. No `vscode` import: media/ compiles it.

export type NoteKindName = 'decision' | 'convention' | 'bug' | 'note';
export const NOTE_KIND_NAMES: readonly NoteKindName[] = ['decision', 'convention', 'bug', 'note'];

/** A note as the webviews show it. */
export interface NoteView {
  readonly id: string;
  readonly text: string;
  readonly kind: NoteKindName;
  readonly created: string;
  readonly author: string;
  readonly state: 'live' | 'forgotten' | 'superseded';
  readonly slotCount: number;
  readonly supersedes?: string;
  readonly supersededBy?: string;
}

/** A note an answer drew on; text absent when the note is gone. */
export interface CitationView {
  readonly noteId: string;
  readonly weight: number;
  readonly text?: string;
  readonly kind?: NoteKindName;
}

export interface ReadsView {
  readonly source: 'answer' | 'completion';
  readonly prompt: string;
  readonly output: string;
  readonly at: string;
  readonly citations: readonly (CitationView & { readonly slots: readonly number[] })[];
}

export interface SlotMapView {
  readonly slotCount: number;
  readonly used: readonly { readonly slot: number; readonly owners: readonly string[] }[];
}

// ---- chat view ----

export type ChatToWebview =
  | { readonly type: 'status'; readonly text: string; readonly canWrite: boolean; readonly available: boolean }
  | { readonly type: 'answer-start'; readonly id: number; readonly question: string }
  | { readonly type: 'answer-chunk'; readonly id: number; readonly text: string }
  | { readonly type: 'answer-done'; readonly id: number; readonly answer: string; readonly citations: readonly CitationView[] }
  | { readonly type: 'answer-error'; readonly id: number; readonly message: string }
  | { readonly type: 'notes-gone'; readonly noteIds: readonly string[] }
  | { readonly type: 'info'; readonly message: string };

export type ChatFromWebview =
  | { readonly type: 'ready' }
  | { readonly type: 'ask'; readonly question: string }
  | { readonly type: 'cancel' }
  | { readonly type: 'remember'; readonly text: string; readonly kind: NoteKindName }
  | { readonly type: 'forget'; readonly noteId: string }
  | { readonly type: 'open-note'; readonly noteId: string };

// ---- inspector ----

export interface InspectorData {
  readonly notes: readonly NoteView[];
  readonly slots: SlotMapView;
  readonly reads?: ReadsView;
  readonly storeDir: string;
  readonly model: string;
  readonly canWrite: boolean;
}

export type InspectorToWebview =
  | { readonly type: 'data'; readonly data: InspectorData }
  | { readonly type: 'unavailable'; readonly message: string }
  | { readonly type: 'note-slots'; readonly noteId: string; readonly slots: readonly { readonly slot: number; readonly sharedWith: readonly string[] }[] }
  | { readonly type: 'select'; readonly noteId: string };

export type InspectorFromWebview =
  | { readonly type: 'ready' }
  | { readonly type: 'refresh' }
  | { readonly type: 'select'; readonly noteId: string }
  | { readonly type: 'forget'; readonly noteId: string }
  | { readonly type: 'export' }
  | { readonly type: 'import' };

// ---- run-time checks of what a webview sends ----

const MAX_TEXT = 20_000;

export function parseChatFromWebview(value: unknown): ChatFromWebview | undefined {
  if (!isRecord(value)) return undefined;
  switch (value.type) {
    case 'ready':
    case 'cancel':
      return { type: value.type };
    case 'ask':
      return isText(value.question) ? { type: 'ask', question: value.question } : undefined;
    case 'remember':
      return isText(value.text) && isKind(value.kind) ? { type: 'remember', text: value.text, kind: value.kind } : undefined;
    case 'forget':
    case 'open-note':
      return isText(value.noteId) ? { type: value.type, noteId: value.noteId } : undefined;
    default:
      return undefined;
  }
}

export function parseInspectorFromWebview(value: unknown): InspectorFromWebview | undefined {
  if (!isRecord(value)) return undefined;
  switch (value.type) {
    case 'ready':
    case 'refresh':
    case 'export':
    case 'import':
      return { type: value.type };
    case 'select':
    case 'forget':
      return isText(value.noteId) ? { type: value.type, noteId: value.noteId } : undefined;
    default:
      return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isText(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '' && value.length <= MAX_TEXT;
}

function isKind(value: unknown): value is NoteKindName {
  return (NOTE_KIND_NAMES as readonly unknown[]).includes(value);
}
