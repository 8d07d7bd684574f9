// What the status bar says while ghost text from a note is shown: which note it came from and the
// span it types. Pure (no `vscode` import), unit-tested; completion-provider.ts shows it.
import type { CompleteResponse } from '../service/protocol';

/** "mnemo: from note <id>: <span>" when the shown ghost text starts with a note's span, else undefined. */
export function provenanceText(result: Pick<CompleteResponse, 'source' | 'fromNote'>): string | undefined {
  if (result.source !== 'note' || !result.fromNote) return undefined;
  const span = result.fromNote.span.length > 40 ? `${result.fromNote.span.slice(0, 39)}…` : result.fromNote.span;
  return `$(note) mnemo: from note ${result.fromNote.noteId}: ${span}`;
}
