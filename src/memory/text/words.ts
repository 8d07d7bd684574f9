// How text is cut into words, and how a word is trimmed. Each splitter and trimmer serves its own
// caller and they differ on purpose (named for what they keep); the word lists they drop are in
// stopWords.ts.

import { INDEX_STOP_WORDS } from './stopWords';

/** The text's whitespace-separated words, as written. */
export function splitWords(text: string): string[] {
  return text.split(/\s+/u).filter(Boolean);
}

/**
 * Index terms of a text, in order, with repeats: the words BM25, the word bags and the span copy
 * compare. Lowercased NFKC words, with code identifiers also split into their parts
 * ("window.guardianPolyfilledImport" -> window.guardianpolyfilledimport, window,
 * guardianpolyfilledimport, guardian, polyfilled, import), minus INDEX_STOP_WORDS.
 */
export function indexTerms(text: string): string[] {
  const terms: string[] = [];
  for (const token of text.normalize('NFKC').match(/[\p{L}\p{N}_$]+(?:[./:-][\p{L}\p{N}_$]+)*/gu) ?? []) {
    const parts = new Set<string>([token]);
    for (const part of token.split(/[./:-]+/)) {
      parts.add(part);
      for (const piece of part.split(/_+/)) parts.add(piece);
      for (const piece of part
        .replace(/([a-z\d])([A-Z])/g, '$1 $2')
        .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
        .split(' '))
        parts.add(piece);
    }
    for (const part of parts) {
      const term = part.toLowerCase();
      if (term.length > 0 && !INDEX_STOP_WORDS.has(term)) terms.push(term);
    }
  }
  return terms;
}

/** An identifier's parts, lowercased, in order (`MIN_VERSION_MARIA_DB` -> min, version, maria, db;
 *  `HomeCommunity` -> home, community): split at `_`, `$` and a lower-to-upper change in any script. */
export function nameParts(identifier: string): string[] {
  return identifier
    .replace(/([\p{Ll}\p{N}])(\p{Lu})/gu, '$1_$2')
    .split(/[_$]+/)
    .filter(Boolean)
    .map(p => p.toLowerCase());
}

/** Whether a character can be part of a name in code (a letter or digit of any script, `_`, `$`). */
export function isNameChar(ch: string): boolean {
  return /[\p{L}\p{N}_$]/u.test(ch);
}

/** Whether the text ends inside a name (its last code point is a name character). */
export function endsInName(text: string): boolean {
  return /[\p{L}\p{N}_$]$/u.test(text);
}

/** A key term's surface trimmed (keyTerms.ts): surrounding punctuation and quotes, a possessive 's,
 *  and a closing parenthesis unless it closes one inside the term (setRestrictToTemplates(true)). */
export function trimTerm(value: string): string {
  let out = value
    .replace(/^[\s,;:!?()[\]{}"'`“”]+/, '')
    .replace(/[\s,;:!?"'`“”\].]+$/, '')
    .replace(/['’]s$/, '');
  while (out.endsWith(')') && countOf(out, '(') < countOf(out, ')')) out = out.slice(0, -1).replace(/[\s,;:!?.]+$/, '');
  return out;
}

const OPENING = /^[\s"'`([{<≥≤~=*_]+/u;
const CLOSING = /[\s"'`)\]}>.,;:!?*]+$/u;

/** The text without the quotes, brackets and marks a note word opens with. */
export function stripOpening(text: string): string {
  return text.replace(OPENING, '');
}

/** The text without the quotes, brackets and sentence punctuation a note word closes with. */
export function stripClosing(text: string): string {
  return text.replace(CLOSING, '');
}

/** A note word as a completion would type it (noteSpans.ts): stripped both ends, with the closing
 *  brackets it opened given back ("setRestrictToTemplates(true)." -> "setRestrictToTemplates(true)"). */
export function trimNoteWord(raw: string): string {
  return closeBrackets(stripClosing(stripOpening(raw)), raw);
}

/** The trimmed word with the closing brackets it opened given back, where the raw word has them
 *  right after it (a call typed without its `)` is unfinished). */
export function closeBrackets(word: string, raw: string): string {
  let closed = word;
  let rest = raw.slice(raw.indexOf(word) + word.length);
  for (const [open, close] of [
    ['(', ')'],
    ['[', ']'],
    ['{', '}'],
  ] as const) {
    while (countOf(closed, open) > countOf(closed, close) && rest.startsWith(close)) {
      closed += close;
      rest = rest.slice(1);
    }
  }
  return closed;
}

/** How many times `ch` occurs in the text. */
export function countOf(text: string, ch: string): number {
  return text.split(ch).length - 1;
}
