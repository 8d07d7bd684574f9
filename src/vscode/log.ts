// The extension's one logger: a LogOutputChannel named "mnemo" (levels follow "Developer: Set Log
// Level"). Nothing in the extension writes to console.
import * as vscode from 'vscode';

export type Logger = vscode.LogOutputChannel;

export function createLogger(): Logger {
  return vscode.window.createOutputChannel('mnemo', { log: true });
}

/** A thrown value as one log-friendly string, stack included when there is one. */
export function describeError(e: unknown): string {
  return e instanceof Error ? (e.stack ?? e.message) : String(e);
}
