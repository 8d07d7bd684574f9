// What the code before the cursor already shows, for the span copy (spanCopy.ts): a span it shows
// counts less, since the model can copy what it sees and the memory is for what it cannot. Names
// count in their own spelling too (`MIN_VERSION_MARIA_DB` shows "MariaDB"); import lines do not
// count, since an imported name is there to be used.

import { nameParts } from '../text/words';

const IMPORT_LINE = /^\s*(?:import\b|from\s+\S+\s+import\b|(?:const|let|var)\s.*=\s*require\s*\(|use\s|#include\b)/u;

/** Whether a line of code imports names (`import`, `from x import`, `require(`, `use`, `#include`). */
function isImportLine(line: string): boolean {
  return IMPORT_LINE.test(line);
}

/** What the code at the cursor shows (the file's name too). */
export interface CursorView {
  readonly shown: string;
  readonly shownLower: string;
  /** Two neighbouring parts of its names, joined (joinedNames). */
  readonly shownNames: ReadonlySet<string>;
}

export function cursorView(fileName: string, prefix: string): CursorView {
  // An imported name is there to be used below, so the import lines do not count as showing it.
  const shown = `${fileName}\n${prefix
    .split('\n')
    .filter(line => !isImportLine(line))
    .join('\n')}`;
  return { shown, shownLower: shown.toLowerCase(), shownNames: joinedNames(shown) };
}

/** Whether the code shows the span already, as a word or as two parts of a name. */
export function isShown(span: string, view: CursorView): boolean {
  return isVisible(span, view.shown, view.shownLower) || view.shownNames.has(span.toLowerCase());
}

/** Two neighbouring parts of the code's identifiers, joined and lowercased ("mariadb" of
 *  `MIN_VERSION_MARIA_DB`, "homecommunity" of `HomeCommunity`): names the code shows in its own spelling. */
function joinedNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const identifier of text.match(/[\p{L}\p{N}_$]+/gu) ?? []) {
    const parts = nameParts(identifier);
    for (let i = 0; i + 1 < parts.length; i++) names.add(parts[i]! + parts[i + 1]!);
  }
  return names;
}

/** Whether the code shows the span as a whole word (any case). */
function isVisible(span: string, prefix: string, lowered: string): boolean {
  if (!lowered.includes(span.toLowerCase())) return false; // most spans: no need for the pattern
  const escaped = span.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, 'iu').test(prefix);
}
