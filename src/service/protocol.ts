// The typed messages between the extension host (or the CLI) and the worker that owns the model
// and the memory. One map per direction, each entry `"name": [Request, Response]`; a streamed
// response is `Stream<Chunk, Result>`. Handlers and callers are keyed by these maps, so every
// message is type-checked end to end. Messages travel by worker_threads postMessage (structured
// clone): plain data only, no classes, no functions.
//
// Wire envelopes: the host sends `request` and `cancel`; the worker answers with `chunk` (zero or
// more, streams only) then exactly one `response` per request, and sends `event`s at any time.
// Cancelling resolves the request with the error `cancelled`. A `model/complete` request cancels
// the `model/complete` before it (typing supersedes the last completion). Memory writes queue.
//
// The runtime validator at the bottom checks what arrives from the other side before anyone
// trusts it: `parseHostMessage` in the worker, `parseWorkerMessage` in the host.

import type { NoteId, NoteKind, NoteState } from '../memory/note';
import type { NoteRefusal } from '../memory/intake/noteInput';
import type { SecretPolicy } from '../memory/intake/secrets';
import type { StoreErrorCode } from '../memory/store/errors';
import type { ShowMode, ShownSource } from './completionConfidence';
import type { CompletionPiece } from './completionPath';

// ---- shared shapes ----

/** A streamed response: `chunk`s of type C, then one final result R. */
export interface Stream<C, R> {
  readonly __stream: true;
  readonly chunk: C;
  readonly result: R;
}

export interface ModelIdentity {
  readonly id: string;
  readonly sha256: string;
}

export interface NoteSummary {
  readonly id: NoteId;
  readonly text: string;
  readonly kind: NoteKind;
  readonly author: string;
  readonly created: string;
  readonly state: NoteState;
  readonly slotCount: number;
  readonly supersedes?: NoteId;
  readonly supersededBy?: NoteId;
}

/** A note a forward pass read, with its share of the evidence (weights sum to 1 over the notes
 *  cited). With the keyed note memory: its share of the read mass of the output's positions
 *  (service/citations.ts shareCitations). Without one: its slots' read weight times their
 *  specificity, for an answer re-weighed by how close the question's memory-input states came to
 *  the note's (memory/citationRerank.ts). */
export interface Citation {
  readonly noteId: NoteId;
  readonly weight: number;
}

/** Where a secret was found; never the secret itself. */
export interface SecretFindingSummary {
  readonly rule: string;
  readonly description: string;
  readonly line: number;
  readonly column: number;
  readonly length: number;
}

// ---- host -> worker requests ----

export interface InitRequest {
  /** The workspace's store directory. */
  readonly storeDir: string;
  /** Directory of the shipped model (checkpoint, tokenizer, slot statistics). */
  readonly modelDir: string;
  /** Open a damaged store by moving bad files aside instead of refusing. */
  readonly recover?: boolean;
}
export interface InitResponse {
  readonly model: ModelIdentity;
  readonly notes: number;
  /** What loading the store found and did (rolled-back torn write, files moved aside, notes
   *  re-learned for a new model). */
  readonly storeMessages: readonly string[];
}

export type WorkerState = 'starting' | 'loading' | 'ready' | 'failed';
export interface StatusResponse {
  readonly state: WorkerState;
  readonly model?: ModelIdentity;
  readonly storeDir?: string;
  readonly notes?: number;
  /** Requests waiting behind the one running. */
  readonly queued: number;
}

export interface RememberRequest {
  readonly text: string;
  readonly kind?: NoteKind;
  /** Caller-chosen id (the eval's "p001"); default a fresh one. */
  readonly id?: string;
  readonly author?: string;
  /** A live note this one replaces: its rows are restored after this one is written. */
  readonly supersedes?: NoteId;
  /** Overrides the setting: refuse a note with a secret, or store it redacted. */
  readonly secrets?: SecretPolicy;
  /** Overrides the setting for notes over the size limit. */
  readonly oversize?: 'refuse' | 'chunk';
}
export interface RememberResponse {
  /** One note, or several when a long note was chunked. */
  readonly notes: readonly NoteSummary[];
  /** Sentences for the user: normalisation, chunking, flags such as prompt-injection-looking text. */
  readonly warnings: readonly string[];
  /** Secrets that were redacted before writing (empty when none). */
  readonly redacted: readonly SecretFindingSummary[];
  readonly writeMs: number;
  /** The note's loss before and after the update, and the steps taken. */
  readonly loss: { readonly before: number; readonly after: number; readonly steps: number };
}

export interface ForgetRequest {
  readonly id: NoteId;
  /** Later notes on the same rows: remove only this note's part (default), or refuse. */
  readonly overlap?: 'delta' | 'refuse';
}
export interface ForgetResponse {
  readonly id: NoteId;
  /** The forgotten note's text, for the editor's message ('' when it was not live). */
  readonly text: string;
  /** Whether memory/restore can undo it (in this worker, until it ends). */
  readonly undoable: boolean;
  /** Slots restored bit for bit, by delta, and back to the base model. */
  readonly restored: { readonly exact: number; readonly delta: number; readonly base: number };
}

/** Undo of a forget made by this worker: the note comes back with its id, text, slots and rows. */
export interface RestoreRequest {
  readonly id: NoteId;
}
export interface RestoreResponse {
  readonly note: NoteSummary;
}

export interface ListRequest {
  /** Also list forgotten and superseded notes. */
  readonly all?: boolean;
}
export interface ListResponse {
  readonly storeDir: string;
  readonly model: ModelIdentity;
  readonly notes: readonly NoteSummary[];
}

export interface ExportRequest {
  readonly file: string;
}
export interface ExportResponse {
  readonly file: string;
  readonly notes: number;
  readonly bytes: number;
  readonly sha256: string;
}

export interface ImportRequest {
  readonly file: string;
  readonly mode?: 'merge' | 'replace';
}
export interface ImportResponse {
  readonly mode: 'merge' | 'replace';
  readonly imported: number;
  readonly renamed: readonly { readonly from: NoteId; readonly to: NoteId }[];
  readonly skipped: readonly NoteId[];
  /** Export of the previous content, when a replace overwrote notes. */
  readonly backup?: string;
}

export type InspectRequest =
  /** Which slots are used and by which notes. */
  | { readonly what: 'slots' }
  /** The slots of one note and which other notes share them. */
  | { readonly what: 'note'; readonly id: NoteId };
export type InspectResponse =
  | {
      readonly what: 'slots';
      readonly slotCount: number;
      readonly used: readonly { readonly slot: number; readonly owners: readonly NoteId[] }[];
    }
  | {
      readonly what: 'note';
      readonly id: NoteId;
      readonly slots: readonly { readonly slot: number; readonly sharedWith: readonly NoteId[] }[];
    };

/** How an answer uses memory: the memory layer (mnemo), notes pasted in the prompt, or neither. */
export type MemoryMode = 'memory' | 'prompt' | 'none';

export interface AskRequest {
  readonly question: string;
  readonly maxTokens?: number;
  /** Default 'memory'. The others are the eval's baselines. */
  readonly mode?: MemoryMode;
}
export interface AskChunk {
  /** Newly decoded answer text. */
  readonly text: string;
}
/** A note an abstention names as "maybe related": the question came near it, but it is not a source
 *  of anything (`gate` is the question's gate of the note, under the answer threshold). */
export interface RelatedNote {
  readonly noteId: NoteId;
  readonly gate: number;
}

/** Whether the chat answered from memory or said that no remembered note covers the question
 *  (memory/answerSupport.ts). An abstention's `answer` is that sentence, with no citations. */
export type AskOutcome =
  | { readonly kind: 'answered' }
  | { readonly kind: 'abstained'; readonly reason: 'no-notes' | 'no-note-fits'; readonly related: readonly RelatedNote[] };

export interface AskResult {
  /** The answer, or (abstained) the sentence saying no remembered note covers the question. */
  readonly answer: string;
  /** Notes whose slots the answer's positions read, by their share of the read mass (summing to 1);
   *  empty for an abstention. */
  readonly citations: readonly Citation[];
  readonly outcome: AskOutcome;
  readonly tokens: number;
  readonly firstTokenMs: number;
  readonly totalMs: number;
  /** Context tokens spent on memory (0 for the memory layer). */
  readonly memoryContextTokens: number;
}

export interface CompleteRequest {
  readonly filePath: string;
  /** The document text before the cursor. */
  readonly prefix: string;
  readonly maxTokens?: number;
  readonly mode?: MemoryMode;
  /** Which completions to show (completionConfidence.ts); default `confident`. */
  readonly show?: ShowMode;
}
export interface CompleteResponse {
  /** The part to show as ghost text under `show` (empty: nothing worth showing). */
  readonly completion: string;
  readonly citations: readonly Citation[];
  readonly ms: number;
  readonly memoryContextTokens: number;
  /** Where the shown part comes from (a note's span, a line the file typed before, the model); null when nothing is shown. */
  readonly source: ShownSource | null;
  /** The whole completion the model typed, shown or not (what `always` shows). */
  readonly full: string;
  /** The note span the completion starts with, its note and how strongly the memory proposed it
   *  (spanCopy.ts's score): the ghost text's provenance. Null when the model typed it alone. */
  readonly fromNote: { readonly noteId: NoteId; readonly span: string; readonly score: number } | null;
  /** Each generated token's probability and where the completion stands after it (calibration). */
  readonly pieces: readonly CompletionPiece[];
}

/** Requests the host sends; the worker handles each. */
export interface ToWorkerFromHost {
  'worker/init': [InitRequest, InitResponse];
  'worker/status': [Record<string, never>, StatusResponse];
  /** Before the host ends the worker: stop watching the store and let its last transaction release the lock. */
  'worker/close': [Record<string, never>, Record<string, never>];
  'memory/remember': [RememberRequest, RememberResponse];
  'memory/forget': [ForgetRequest, ForgetResponse];
  'memory/restore': [RestoreRequest, RestoreResponse];
  'memory/list': [ListRequest, ListResponse];
  'memory/export': [ExportRequest, ExportResponse];
  'memory/import': [ImportRequest, ImportResponse];
  'memory/inspect': [InspectRequest, InspectResponse];
  'model/ask': [AskRequest, Stream<AskChunk, AskResult>];
  'model/complete': [CompleteRequest, CompleteResponse];
}

// ---- worker -> host events ----

/** upgrading: opening a store written with another model re-learns its notes (storeUpgrade.ts). */
export type ProgressStage = 'loading-model' | 'checking' | 'augmenting' | 'selecting-slots' | 'training' | 'saving' | 'upgrading';

export interface ProgressEvent {
  /** The request this belongs to (absent for model loading at start). */
  readonly requestId?: MessageId;
  readonly stage: ProgressStage;
  readonly message: string;
  /** 0..1 when known. */
  readonly fraction?: number;
  readonly loss?: number;
}

export interface MemoryChangedEvent {
  /** external: another window or the CLI changed the store. */
  readonly reason: 'remember' | 'forget' | 'supersede' | 'import' | 'external';
  readonly noteIds: readonly NoteId[];
}

export interface LogEvent {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
}

/** Events the worker sends without being asked. Response type is void: nobody answers. */
export interface ToHostFromWorker {
  progress: [ProgressEvent, void];
  'memory/changed': [MemoryChangedEvent, void];
  log: [LogEvent, void];
}

// ---- errors ----

/** Every failure a request can end with. `code` discriminates; `message` is for the user. */
export type ProtocolError =
  | { readonly code: 'secret-found'; readonly message: string; readonly findings: readonly SecretFindingSummary[] }
  | { readonly code: 'note-invalid'; readonly message: string; readonly reason: NoteRefusal }
  | {
      readonly code: 'store-model-mismatch';
      readonly message: string;
      readonly hint: string;
      readonly storeModel: ModelIdentity;
      readonly loadedModel: ModelIdentity;
    }
  | {
      readonly code: 'forget-conflict';
      readonly message: string;
      readonly hint: string;
      readonly noteId: NoteId;
      readonly laterNotes: readonly NoteId[];
    }
  | {
      readonly code: Exclude<StoreErrorCode, 'store-model-mismatch' | 'forget-conflict'>;
      readonly message: string;
      readonly hint: string;
    }
  | { readonly code: 'cancelled'; readonly message: string }
  | { readonly code: 'not-ready'; readonly message: string; readonly hint: string }
  | { readonly code: 'bad-request'; readonly message: string }
  | { readonly code: 'internal'; readonly message: string; readonly stack?: string };

export type ProtocolErrorCode = ProtocolError['code'];

// ---- envelopes ----

/** Unique per request within one host-worker connection. */
export type MessageId = number & { readonly __brand: 'MessageId' };

export type RequestType = keyof ToWorkerFromHost;
export type RequestOf<T extends RequestType> = ToWorkerFromHost[T][0];
export type ResponseOf<T extends RequestType> = ToWorkerFromHost[T][1];
/** The final payload of a response: a stream's result, or the response itself. */
export type ResultOf<T extends RequestType> = ResponseOf<T> extends Stream<unknown, infer R> ? R : ResponseOf<T>;
export type ChunkOf<T extends RequestType> = ResponseOf<T> extends Stream<infer C, unknown> ? C : never;
export type StreamingType = { [T in RequestType]: ResponseOf<T> extends Stream<unknown, unknown> ? T : never }[RequestType];
export type EventType = keyof ToHostFromWorker;
export type EventOf<T extends EventType> = ToHostFromWorker[T][0];

export type RequestMessage = {
  [T in RequestType]: { readonly kind: 'request'; readonly id: MessageId; readonly type: T; readonly data: RequestOf<T> };
}[RequestType];
export interface CancelMessage {
  readonly kind: 'cancel';
  readonly id: MessageId;
}
export type HostToWorkerMessage = RequestMessage | CancelMessage;

export type ResponseMessage =
  | { readonly kind: 'response'; readonly id: MessageId; readonly ok: true; readonly data: unknown }
  | { readonly kind: 'response'; readonly id: MessageId; readonly ok: false; readonly error: ProtocolError };
export interface ChunkMessage {
  readonly kind: 'chunk';
  readonly id: MessageId;
  readonly data: unknown;
}
export type EventMessage = { [T in EventType]: { readonly kind: 'event'; readonly type: T; readonly data: EventOf<T> } }[EventType];
export type WorkerToHostMessage = ResponseMessage | ChunkMessage | EventMessage;

/** The request types whose response is streamed. Checked against the map at compile time. */
export const STREAMING_TYPES = ['model/ask'] as const satisfies readonly StreamingType[];
type MissingStreamingType = Exclude<StreamingType, (typeof STREAMING_TYPES)[number]>;
const streamingTypesComplete: [MissingStreamingType] extends [never] ? true : MissingStreamingType = true;
void streamingTypesComplete;

export function isStreamingType(type: RequestType): type is StreamingType {
  return (STREAMING_TYPES as readonly string[]).includes(type);
}

// ---- runtime validation of incoming messages ----

export type Parsed<T> = { readonly ok: true; readonly message: T } | { readonly ok: false; readonly error: string };

type Field = 'string' | 'text' | 'number' | 'boolean' | readonly string[];
type Shape = Readonly<Record<string, Field | { readonly optional: Field }>>;

const NOTE_KINDS: readonly NoteKind[] = ['decision', 'convention', 'bug', 'note'];
const MODES: readonly MemoryMode[] = ['memory', 'prompt', 'none'];
const SHOW_MODES: readonly ShowMode[] = ['confident', 'always', 'memory-only', 'off'];

/** The shape each request's data must have; a mapped type makes a missing entry a compile error. */
const REQUEST_SHAPES: { readonly [T in RequestType]: Shape | ((data: Record<string, unknown>) => string | undefined) } = {
  'worker/init': { storeDir: 'text', modelDir: 'text', recover: { optional: 'boolean' } },
  'worker/status': {},
  'worker/close': {},
  'memory/remember': {
    text: 'string',
    kind: { optional: NOTE_KINDS },
    id: { optional: 'text' },
    author: { optional: 'string' },
    supersedes: { optional: 'text' },
    secrets: { optional: ['refuse', 'redact'] },
    oversize: { optional: ['refuse', 'chunk'] },
  },
  'memory/forget': { id: 'text', overlap: { optional: ['delta', 'refuse'] } },
  'memory/restore': { id: 'text' },
  'memory/list': { all: { optional: 'boolean' } },
  'memory/export': { file: 'text' },
  'memory/import': { file: 'text', mode: { optional: ['merge', 'replace'] } },
  'memory/inspect': data =>
    data.what === 'slots' ? checkShape(data, { what: ['slots'] }) : checkShape(data, { what: ['slots', 'note'], id: 'text' }),
  'model/ask': { question: 'text', maxTokens: { optional: 'number' }, mode: { optional: MODES } },
  'model/complete': {
    filePath: 'string',
    prefix: 'string',
    maxTokens: { optional: 'number' },
    mode: { optional: MODES },
    show: { optional: SHOW_MODES },
  },
};

const EVENT_TYPES: { readonly [T in EventType]: true } = { progress: true, 'memory/changed': true, log: true };

/** Checks a message arriving in the worker. Note text is checked further by the memory layer. */
export function parseHostMessage(value: unknown): Parsed<HostToWorkerMessage> {
  if (!isRecord(value)) return fail('message is not an object');
  if (!isMessageId(value.id)) return fail('message id must be a non-negative integer');
  if (value.kind === 'cancel') return { ok: true, message: { kind: 'cancel', id: value.id } };
  if (value.kind !== 'request') return fail(`unknown message kind ${JSON.stringify(value.kind)}`);
  if (typeof value.type !== 'string' || !Object.prototype.hasOwnProperty.call(REQUEST_SHAPES, value.type)) {
    return fail(`unknown request type ${JSON.stringify(value.type)}`);
  }
  const type = value.type as RequestType;
  if (!isRecord(value.data)) return fail(`${type}: data must be an object`);
  const shape = REQUEST_SHAPES[type];
  const problem = typeof shape === 'function' ? shape(value.data) : checkShape(value.data, shape);
  if (problem) return fail(`${type}: ${problem}`);
  return { ok: true, message: { kind: 'request', id: value.id, type, data: value.data } as RequestMessage };
}

/** Checks a message arriving in the host: envelope and event type; payloads come from our own worker. */
export function parseWorkerMessage(value: unknown): Parsed<WorkerToHostMessage> {
  if (!isRecord(value)) return fail('message is not an object');
  switch (value.kind) {
    case 'response':
      if (!isMessageId(value.id)) return fail('response id must be a non-negative integer');
      if (value.ok === true) return { ok: true, message: { kind: 'response', id: value.id, ok: true, data: value.data } };
      if (value.ok === false && isRecord(value.error) && typeof value.error.code === 'string' && typeof value.error.message === 'string') {
        return { ok: true, message: { kind: 'response', id: value.id, ok: false, error: value.error as unknown as ProtocolError } };
      }
      return fail('response needs ok: true with data, or ok: false with an error {code, message}');
    case 'chunk':
      if (!isMessageId(value.id)) return fail('chunk id must be a non-negative integer');
      return { ok: true, message: { kind: 'chunk', id: value.id, data: value.data } };
    case 'event':
      if (typeof value.type !== 'string' || !Object.prototype.hasOwnProperty.call(EVENT_TYPES, value.type)) {
        return fail(`unknown event type ${JSON.stringify(value.type)}`);
      }
      if (!isRecord(value.data)) return fail(`${value.type}: data must be an object`);
      return { ok: true, message: { kind: 'event', type: value.type, data: value.data } as unknown as EventMessage };
    default:
      return fail(`unknown message kind ${JSON.stringify(value.kind)}`);
  }
}

/** The error a handler sends back for a message that failed validation. */
export function badRequest(message: string): ProtocolError {
  return { code: 'bad-request', message };
}

function checkShape(data: Record<string, unknown>, shape: Shape): string | undefined {
  for (const key of Object.keys(data)) if (!(key in shape)) return `unknown field "${key}"`;
  for (const [key, spec] of Object.entries(shape)) {
    const optional = typeof spec === 'object' && !Array.isArray(spec) && 'optional' in spec;
    const field = (optional ? (spec as { optional: Field }).optional : spec) as Field;
    const value = data[key];
    if (value === undefined) {
      if (optional) continue;
      return `"${key}" is required`;
    }
    const problem = checkField(value, field);
    if (problem) return `"${key}" ${problem}`;
  }
  return undefined;
}

function checkField(value: unknown, field: Field): string | undefined {
  if (Array.isArray(field)) return field.includes(value as string) ? undefined : `must be one of ${field.join(', ')}`;
  switch (field) {
    case 'string':
      return typeof value === 'string' ? undefined : 'must be a string';
    case 'text':
      return typeof value === 'string' && value.trim() !== '' ? undefined : 'must be a non-empty string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? undefined : 'must be a non-negative number';
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'must be true or false';
  }
  return 'has an unknown field type';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isMessageId(value: unknown): value is MessageId {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function fail(error: string): { ok: false; error: string } {
  return { ok: false, error };
}
