// Run-time checks of what another assistant passes to mnemo's language model tools. The input is
// a language model's output: VS Code does not promise it matches the declared inputSchema, so each
// field is checked before any write or question runs. Extra fields are ignored (models add them),
// wrong or missing ones refuse the call with a reason the tool returns to the model. Pure.
import { isNoteId, type NoteId } from '../memory/note';
import { noteKind, text as textCheck } from './webview-message-check';
import { MAX_QUESTION_CHARS, MAX_REMEMBER_CHARS, type NoteKindName } from './webview-protocol';

export type ToolInputCheck<T> = { readonly ok: true; readonly input: T } | { readonly ok: false; readonly reason: string };

export interface RememberInput {
  readonly text: string;
  readonly kind: NoteKindName;
}
export interface RecallInput {
  readonly question: string;
}
export interface ForgetInput {
  readonly noteId: NoteId;
}

export function checkRememberInput(value: unknown): ToolInputCheck<RememberInput> {
  if (!isRecord(value)) return refuse('the input is not an object');
  const textProblem = textCheck(MAX_REMEMBER_CHARS)(value.text);
  if (textProblem) return refuse(`text ${textProblem}`);
  const kindProblem = value.kind === undefined ? undefined : noteKind(value.kind);
  if (kindProblem) return refuse(`kind ${kindProblem}`);
  return { ok: true, input: { text: value.text as string, kind: (value.kind as NoteKindName | undefined) ?? 'note' } };
}

export function checkRecallInput(value: unknown): ToolInputCheck<RecallInput> {
  if (!isRecord(value)) return refuse('the input is not an object');
  const problem = textCheck(MAX_QUESTION_CHARS)(value.question);
  return problem ? refuse(`question ${problem}`) : { ok: true, input: { question: value.question as string } };
}

export function checkForgetInput(value: unknown): ToolInputCheck<ForgetInput> {
  if (!isRecord(value)) return refuse('the input is not an object');
  return isNoteId(value.noteId)
    ? { ok: true, input: { noteId: value.noteId } }
    : refuse('noteId must be a note id (letters, digits, ".", "_", "-"; at most 64)');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function refuse(reason: string): { ok: false; reason: string } {
  return { ok: false, reason };
}
