// The messages between the extension and its two webviews (the chat view and the memory inspector),
// one map per direction like src/service/protocol.ts. The front ends in media/ import these types, so
// both sides are type-checked against one definition; what arrives from a webview is checked at run
// time (webview-message-check.ts) before the extension acts on it. No `vscode` import: media/ compiles it.

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

/** A note an abstention names as maybe related: not a source (no weight is shown). */
export interface RelatedView {
  readonly noteId: string;
  readonly text: string;
}

export interface ReadsView {
  readonly source: 'answer' | 'completion';
  readonly prompt: string;
  readonly output: string;
  readonly at: string;
  readonly citations: readonly (CitationView & { readonly slots: readonly number[] })[];
  /** The chat abstained: no remembered note covered the question. */
  readonly abstained?: boolean;
}

export interface SlotMapView {
  readonly slotCount: number;
  readonly used: readonly { readonly slot: number; readonly owners: readonly string[] }[];
}

// ---- chat view ----

/** Longest question the chat sends (the composer's maxlength; a model prompt, not a document). */
export const MAX_QUESTION_CHARS = 4_000;
/** Longest text "remember this" sends: a whole answer. The memory layer then applies its own note limits. */
export const MAX_REMEMBER_CHARS = 20_000;

export type ChatToWebview =
  | { readonly type: 'status'; readonly text: string; readonly canWrite: boolean; readonly available: boolean }
  | { readonly type: 'answer-start'; readonly id: number; readonly question: string }
  | { readonly type: 'answer-chunk'; readonly id: number; readonly text: string }
  | {
      readonly type: 'answer-done';
      readonly id: number;
      readonly answer: string;
      readonly citations: readonly CitationView[];
      readonly abstained?: { readonly related: readonly RelatedView[] };
    }
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
  | {
      readonly type: 'note-slots';
      readonly noteId: string;
      readonly slots: readonly { readonly slot: number; readonly sharedWith: readonly string[] }[];
    }
  | { readonly type: 'select'; readonly noteId: string };

export type InspectorFromWebview =
  | { readonly type: 'ready' }
  | { readonly type: 'refresh' }
  | { readonly type: 'select'; readonly noteId: string }
  | { readonly type: 'forget'; readonly noteId: string }
  | { readonly type: 'export' }
  | { readonly type: 'import' };
