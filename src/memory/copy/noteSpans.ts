// The spans of a note a completion could copy: a fact typed into code is usually a word of the note
// (an identifier, a number, a path, a version, a quoted value), so these are the candidates the
// completion path may type before the model goes on (spanCopy.ts picks one, if any fits).
//
// Spans are the note's whitespace-separated words with quotes, brackets and sentence punctuation
// trimmed, their tails after a `.` or `/` ("cv.deprecated" -> "deprecated"), lowercase forms of
// capitalised words ("LF" -> "lf"), and a pattern's start before its placeholder, minus common
// English words: these depend on the note alone, so they are found once per note. When the code before the cursor ends inside a note word ("window."
// before "window.guardianPolyfilledImport"), the rest of that word is a span too, found per cursor.

import { PROSE_WORDS } from '../text/stopWords';
import { closeBrackets, splitWords, stripClosing, stripOpening, trimNoteWord } from '../text/words';

const MIN_WORD_OVERLAP = 4;

/** A placeholder in a note's pattern: `<app-name>`, `{name}`, `${NAME}`. */
const PLACEHOLDER = /\$?\{[\p{L}\p{N}_ -]+\}|<[\p{L}\p{N}_|-]+>?/u;

/** A note word that is a pattern ("/_healthcheck_<app-name>"): the text before its first
 *  placeholder, the placeholder's name, and the text after it up to the next placeholder. */
export interface NotePattern {
  readonly head: string;
  readonly placeholder: string;
  readonly rest: string;
}

/** The note word as a pattern, or null when it has no placeholder. */
function patternOf(raw: string): NotePattern | null {
  const match = PLACEHOLDER.exec(raw);
  if (!match) return null;
  const after = raw.slice(match.index + match[0].length);
  const next = PLACEHOLDER.exec(after);
  return {
    head: stripOpening(raw.slice(0, match.index)),
    placeholder: match[0].replace(/^\$?[{<]|[}>]$/gu, ''),
    rest: stripClosing(next ? after.slice(0, next.index) : after),
  };
}

export interface NoteSpan {
  readonly text: string;
  /** Characters of the code before the cursor that the span's note word starts with (0: none). */
  readonly overlap: number;
}

/** The note's spans that stand on their own (not depending on the cursor), each once. */
export function noteSpans(note: string): string[] {
  const spans = new Set<string>();
  const add = (text: string) => {
    if (text.length > 0 && !PROSE_WORDS.has(text.toLowerCase())) spans.add(text);
  };
  for (const raw of splitWords(note)) {
    const template = patternOf(raw);
    // A pattern ("/_healthcheck_<app-name>") offers what comes before its first placeholder, which
    // the code fills (a pattern fill, since removed) or the model does. Typed whole it would be wrong.
    const word = template ? template.head : trimNoteWord(raw);
    if (!/[\p{L}\p{N}#%]/u.test(word)) continue;
    add(word);
    if (template) continue;
    if (/^\p{Lu}/u.test(word)) add(word.toLowerCase());
    // Member and path tails ("cv.deprecated" -> "deprecated"), not a version's ("1.2.1" -> "2.1").
    for (let i = 0; i < word.length - 1; i++)
      if ((word[i] === '.' && /\p{L}/u.test(word[i + 1]!)) || word[i] === '/') add(word.slice(i + 1));
  }
  return [...spans];
}

/**
 * The rest of each note word the code before the cursor has started ("window." before
 * "window.guardianPolyfilledImport"), with how many characters are typed, and the started words
 * themselves (typed in part already, so not spans of their own here).
 */
export function startedSpans(words: readonly string[], prefix: string): { spans: NoteSpan[]; typed: Set<string> } {
  const tail = /\S*$/u.exec(prefix)![0];
  const spans: NoteSpan[] = [];
  const typed = new Set<string>();
  if (tail.length < 2) return { spans, typed };
  // Inside a word ("defaul"), only a long start and a long rest are a remembered name, not chance.
  const insideWord = /[\p{L}\p{N}]$/u.test(tail);
  for (const raw of words) {
    for (let length = Math.min(tail.length, raw.length - 1); length >= 2; length--) {
      const at = raw.indexOf(tail.slice(-length));
      if (at < 0) continue;
      const rest = closeBrackets(stripClosing(raw.slice(at + length)), raw.slice(at + length));
      if (
        rest.length === 0 ||
        PROSE_WORDS.has(rest.toLowerCase()) ||
        (insideWord && (length < MIN_WORD_OVERLAP || rest.length < MIN_WORD_OVERLAP))
      )
        break;
      spans.push({ text: rest, overlap: length });
      typed.add(trimNoteWord(raw));
      break;
    }
  }
  return { spans, typed };
}
