// How a failure reaches the user: one sentence in a notification (plus the hint, when the service
// gave one) and the full story in the log. Commands return the same words, so tests can read them.
import * as vscode from 'vscode';
import { ServiceError } from '../service/serviceError';
import { ServiceUnavailableError, type Ctx } from './ctx';
import { describeError } from './log';

export interface CommandFailure {
  readonly ok: false;
  readonly code: string;
  readonly message: string;
}

/** The words for a thrown value: the service's message and hint, or the error's message. */
export function describeFailure(e: unknown): CommandFailure {
  if (e instanceof ServiceError) {
    return { ok: false, code: e.code, message: e.hint ? `${e.message} ${e.hint}` : e.message };
  }
  if (e instanceof ServiceUnavailableError) {
    return { ok: false, code: 'unavailable', message: e.hint ? `${e.message} ${e.hint}` : e.message };
  }
  return { ok: false, code: 'internal', message: e instanceof Error ? e.message : String(e) };
}

/** Logs the failure and shows it (cancellations are quiet); returns it for the caller. */
export function reportFailure(ctx: Ctx, what: string, e: unknown): CommandFailure {
  const failure = describeFailure(e);
  if (failure.code === 'cancelled') {
    ctx.log.info(`${what}: cancelled`);
    return failure;
  }
  ctx.log.error(`${what}: ${describeError(e)}`);
  void vscode.window.showErrorMessage(`mnemo: ${failure.message}`, 'Show Log').then(choice => {
    if (choice === 'Show Log') ctx.log.show();
  });
  return failure;
}

export const RESTRICTED_MESSAGE =
  'This workspace is not trusted (restricted mode): mnemo does not write or forget notes here. Trust the workspace to change its memory.';

/** Refuses a write in restricted mode; returns the failure, or undefined when writes are allowed. */
export function refuseInRestrictedMode(ctx: Ctx): CommandFailure | undefined {
  if (!ctx.restricted) return undefined;
  void vscode.window.showWarningMessage(`mnemo: ${RESTRICTED_MESSAGE}`);
  return { ok: false, code: 'restricted', message: RESTRICTED_MESSAGE };
}
