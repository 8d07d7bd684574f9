// Failures inside the worker: errors for requests that cannot be served yet or as asked, and
// `toProtocolError`, which turns whatever a handler threw (the memory layer's typed errors, an
// abort, a bug) into the protocol's discriminated union, keeping each store error's recovery hint
// apart from its message. Never echoes a secret: findings carry only where and what kind.

import { NoteInputError } from '../memory/intake/noteInput';
import { SecretFinding, SecretFoundError } from '../memory/intake/secrets';
import { ForgetConflictError, MemoryStoreError, ModelMismatchError } from '../memory/store/errors';
import type { ProtocolError, SecretFindingSummary } from './protocol';
import { ServiceError } from './serviceError';

/** Thrown inside the worker when a request needs something that is not there yet (init, a model). */
export class NotReadyError extends Error {
  readonly code = 'not-ready';
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
    this.name = 'NotReadyError';
  }
}

/** Thrown inside the worker for a request that is well-formed but cannot be served as asked. */
export class BadRequestError extends Error {
  readonly code = 'bad-request';
  constructor(message: string) {
    super(message);
    this.name = 'BadRequestError';
  }
}

export function cancelledError(what = 'the request'): ProtocolError {
  return { code: 'cancelled', message: `${what} was cancelled` };
}

export function summarizeFindings(findings: readonly SecretFinding[]): SecretFindingSummary[] {
  return findings.map(f => ({ rule: f.rule, description: f.description, line: f.line, column: f.column, length: f.end - f.start }));
}

/** Maps anything a handler threw onto the protocol's error union. Never echoes a secret. */
export function toProtocolError(error: unknown): ProtocolError {
  if (error instanceof ServiceError) return error.error;
  if (isAbort(error)) return cancelledError();
  if (error instanceof SecretFoundError) {
    return { code: 'secret-found', message: `${error.message} ${error.hint}`, findings: summarizeFindings(error.findings) };
  }
  if (error instanceof NoteInputError) return { code: 'note-invalid', message: error.message, reason: error.reason };
  if (error instanceof ModelMismatchError) {
    return { code: 'store-model-mismatch', ...messageAndHint(error), storeModel: error.storeModel, loadedModel: error.loadedModel };
  }
  if (error instanceof ForgetConflictError) {
    return { code: 'forget-conflict', ...messageAndHint(error), noteId: error.noteId, laterNotes: error.laterNotes };
  }
  if (error instanceof MemoryStoreError) {
    const code = error.code as Exclude<typeof error.code, 'store-model-mismatch' | 'forget-conflict'>;
    return { code, ...messageAndHint(error) };
  }
  if (error instanceof NotReadyError) return { code: 'not-ready', message: error.message, hint: error.hint };
  if (error instanceof BadRequestError) return { code: 'bad-request', message: error.message };
  if (error instanceof TypeError && /is not a valid note id/.test(error.message)) return { code: 'bad-request', message: error.message };
  if (error instanceof Error) return { code: 'internal', message: error.message, stack: error.stack };
  return { code: 'internal', message: String(error) };
}

function isAbort(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || (error as { code?: unknown }).code === 'ABORT_ERR');
}

/** MemoryStoreError's message is "message\nhint"; the protocol keeps the two apart. */
function messageAndHint(error: MemoryStoreError): { message: string; hint: string } {
  const suffix = `\n${error.hint}`;
  return { message: error.message.endsWith(suffix) ? error.message.slice(0, -suffix.length) : error.message, hint: error.hint };
}
