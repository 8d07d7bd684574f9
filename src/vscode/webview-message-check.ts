// Run-time checks of what a webview sends to the extension host. A webview is a web page: a bug in
// its script, or content that got script into it, can post anything. So a message is acted on only
// when it has exactly one of the declared shapes (webview-protocol.ts): a known `type`, every field
// of that type present and valid, no other field. Anything else is refused with a reason the
// caller logs; the refused value itself is never echoed into the log (it may be huge or a secret).
// Pure (no `vscode`), so the unit tests feed it malformed messages directly.
import { isNoteId } from '../memory/note';
import {
  MAX_QUESTION_CHARS,
  MAX_REMEMBER_CHARS,
  NOTE_KIND_NAMES,
  type ChatFromWebview,
  type InspectorFromWebview,
} from './webview-protocol';

export type MessageCheck<M> = { readonly ok: true; readonly message: M } | { readonly ok: false; readonly reason: string };

/** A field's check: undefined when the value is fine, else why not. */
export type FieldCheck = (value: unknown) => string | undefined;

/** Per message type, its fields (besides `type`) and their checks. */
type Shapes<M extends { type: string }> = {
  readonly [T in M['type']]: { readonly [K in Exclude<keyof Extract<M, { type: T }>, 'type'>]-?: FieldCheck };
};

/** Non-empty text of at most `max` characters (tool-inputs.ts checks tools' text with it too). */
export const text =
  (max: number): FieldCheck =>
  value => {
    if (typeof value !== 'string') return `is ${describe(value)}, not text`;
    if (value.length > max) return `is ${value.length} characters long (at most ${max})`;
    if (value.trim() === '') return 'is empty';
    return undefined;
  };

const noteId: FieldCheck = value =>
  isNoteId(value) ? undefined : typeof value === 'string' ? 'is not a note id' : `is ${describe(value)}, not a note id`;

export const noteKind: FieldCheck = value =>
  (NOTE_KIND_NAMES as readonly unknown[]).includes(value) ? undefined : `is not one of ${NOTE_KIND_NAMES.join(', ')}`;

const CHAT_SHAPES: Shapes<ChatFromWebview> = {
  ready: {},
  ask: { question: text(MAX_QUESTION_CHARS) },
  cancel: {},
  remember: { text: text(MAX_REMEMBER_CHARS), kind: noteKind },
  forget: { noteId },
  'open-note': { noteId },
};

const INSPECTOR_SHAPES: Shapes<InspectorFromWebview> = {
  ready: {},
  refresh: {},
  select: { noteId },
  forget: { noteId },
  export: {},
  import: {},
};

export function checkChatMessage(value: unknown): MessageCheck<ChatFromWebview> {
  return checkMessage(CHAT_SHAPES, value);
}

export function checkInspectorMessage(value: unknown): MessageCheck<InspectorFromWebview> {
  return checkMessage(INSPECTOR_SHAPES, value);
}

function checkMessage<M extends { type: string }>(shapes: Shapes<M>, value: unknown): MessageCheck<M> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return refuse(`the message is ${describe(value)}, not an object`);
  if (Object.getPrototypeOf(value) !== Object.prototype) return refuse('the message is not a plain object');
  const record = value as Record<string, unknown>;
  const type = record.type;
  if (typeof type !== 'string') return refuse(`its type is ${describe(type)}`);
  if (!Object.prototype.hasOwnProperty.call(shapes, type)) return refuse(`unknown type "${type.slice(0, 40)}"`);
  const fields = shapes[type as M['type']] as Readonly<Record<string, FieldCheck>>;
  for (const key of Object.keys(record)) {
    if (key !== 'type' && !Object.prototype.hasOwnProperty.call(fields, key))
      return refuse(`"${type}" has an unexpected field "${key.slice(0, 40)}"`);
  }
  for (const [key, check] of Object.entries(fields)) {
    if (!(key in record)) return refuse(`"${type}" lacks its field "${key}"`);
    const problem = check(record[key]);
    if (problem) return refuse(`"${type}": ${key} ${problem}`);
  }
  // A fresh object with the declared fields only: nothing the page attached (getters, prototypes) travels on.
  const message: Record<string, unknown> = { type };
  for (const key of Object.keys(fields)) message[key] = record[key];
  return { ok: true, message: message as M };
}

function refuse(reason: string): { ok: false; reason: string } {
  return { ok: false, reason };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value === undefined) return 'missing';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
