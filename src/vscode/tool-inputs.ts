// Run-time checks of what another assistant passes to mnemo's language model tools. The input is
// a language model's output: VS Code does not promise it matches the declared inputSchema, so each
// field is checked before any write or question runs. Extra fields are ignored (models add them),
// wrong or missing ones refuse the call with a reason the tool returns to the model. Pure.
import { isNoteId, type NoteId } from '../memory/note';
import { MAX_QUESTION_CHARS, MAX_REMEMBER_CHARS, NOTE_KIND_NAMES, type NoteKindName } from './webview-protocol';

export type ToolInputCheck<T> = { readonly ok: true; readonly input: T } | { readonly ok: false; readonly reason: string };

export interface RememberInput { readonly text: string; readonly kind: NoteKindName }
export interface RecallInput { readonly question: string }
export interface ForgetInput { readonly noteId: NoteId }

export function checkRememberInput(value: unknown): ToolInputCheck<RememberInput> {
  if (!isRecord(value)) return refuse('the input is not an object');
  const text = checkText(value.text, 'text', MAX_REMEMBER_CHARS);
  if (typeof text !== 'string') return text;
  if (value.kind !== undefined && !(NOTE_KIND_NAMES as readonly unknown[]).includes(value.kind)) {
    return refuse(`kind must be one of ${NOTE_KIND_NAMES.join(', ')}`);
  }
  return { ok: true, input: { text, kind: (value.kind as NoteKindName | undefined) ?? 'note' } };
}

export function checkRecallInput(value: unknown): ToolInputCheck<RecallInput> {
  if (!isRecord(value)) return refuse('the input is not an object');
  const question = checkText(value.question, 'question', MAX_QUESTION_CHARS);
  return typeof question === 'string' ? { ok: true, input: { question } } : question;
}

export function checkForgetInput(value: unknown): ToolInputCheck<ForgetInput> {
  if (!isRecord(value)) return refuse('the input is not an object');
  return isNoteId(value.noteId) ? { ok: true, input: { noteId: value.noteId } } : refuse('noteId must be a note id (letters, digits, ".", "_", "-"; at most 64)');
}

function checkText(value: unknown, name: string, max: number): string | { ok: false; reason: string } {
  if (typeof value !== 'string') return refuse(`${name} must be text`);
  if (value.trim() === '') return refuse(`${name} is empty`);
  if (value.length > max) return refuse(`${name} is ${value.length} characters long (at most ${max})`);
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function refuse(reason: string): { ok: false; reason: string } {
  return { ok: false, reason };
}
