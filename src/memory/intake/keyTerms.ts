// Key terms of a note, found by surface form only (no model): its subject, code identifiers,
// paths, numbers, quoted strings and proper names, each with the clause it sits in. augment.ts
// builds questions, comments and cue -> fact pairs from them. Deterministic, pure.

import { isIdentifier } from '../text/codeLike';
import { SENTENCE_STARTERS } from '../text/stopWords';
import { splitWords, trimTerm } from '../text/words';

export type TermKind = 'identifier' | 'path' | 'number' | 'quoted' | 'name';

export interface KeyTerm {
  readonly text: string;
  readonly kind: TermKind;
  /** Index into `clauses` of the first clause holding the term. */
  readonly clause: number;
  /** Offset in the note text. */
  readonly offset: number;
}

export interface NoteTerms {
  /** What the note is about: "govuk-aws", "Home Assistant", or its first words. */
  readonly subject: string;
  /** Sentences and their parts split at ';', in order, trimmed of final punctuation. */
  readonly clauses: readonly string[];
  /** Distinct terms in order of first appearance (the subject excluded). */
  readonly terms: readonly KeyTerm[];
}

const QUOTED = /`([^`\n]{1,80})`|"([^"\n]{1,80})"|“([^”\n]{1,80})”|(?<=^|[\s([{:=,])'([^'\n]{1,80}?)'(?=$|[\s)\]},.;:!?])/g;
const PATH =
  /(?<![\w@.-])(?:~?\.{0,2}\/)?(?:[\w.*<>@+-]+\/)+[\w.*<>@+-]*[\w*>]|(?<![\w.])\/[\w.*<>@+-]+(?:\/[\w.*<>@+-]+)*|(?<![\w/])\*\.[A-Za-z0-9]+|(?<![\w/.])\.[A-Za-z][\w-]*(?:\.[\w-]+)*/g;
const NUMBER =
  /(?<![\w.])[~≥≤<>#]?=?\d+(?:[.,]\d+)*(?:[+%]|\s?(?:KB|kb|MB|GB|Mi|Gi|ms|s|x)\b|-(?:second|minute|hour|day|byte)s?\b|\s(?:seconds?|minutes?|hours?|days?|bytes?|characters?|chars?|requests?)\b)?(?![\w])/g;
const WORD = /(?:--?|<)?[\p{L}\p{N}_$][\p{L}\p{N}_$.'’<>|/*+-]*(?:::[\p{L}\p{N}_$]+)*(?:\([^()\s]{0,40}\))?/gu;
/** A short run of symbols in parentheses, such as "(##)": a literal the note is about. */
const SYMBOLS = /(?<=\()[#*/\\@$%&!~^=<>|+-]{1,6}(?=\))/g;

export function extractTerms(note: string): NoteTerms {
  const text = note.replace(/\s+/g, ' ').trim();
  const clauses = splitClauses(text);
  const found: { text: string; kind: TermKind; offset: number }[] = [];
  const taken: [number, number][] = [];
  const claim = (start: number, end: number) => {
    if (taken.some(([s, e]) => start < e && s < end)) return false;
    taken.push([start, end]);
    return true;
  };
  const add = (value: string, kind: TermKind, offset: number) => {
    const trimmed = trimTerm(value);
    if (trimmed.length === 0 || trimmed.length > 80) return;
    const start = offset + value.indexOf(trimmed);
    if (claim(start, start + trimmed.length)) found.push({ text: trimmed, kind, offset: start });
  };

  for (const m of text.matchAll(QUOTED)) {
    const inner = m[1] ?? m[2] ?? m[3] ?? m[4] ?? '';
    const offset = m.index! + m[0].indexOf(inner);
    if (claim(m.index!, m.index! + m[0].length)) found.push({ text: inner.trim(), kind: m[1] ? 'identifier' : 'quoted', offset });
  }
  for (const m of text.matchAll(PATH)) if (!isPlainWordPair(m[0])) add(m[0], 'path', m.index!);
  for (const m of text.matchAll(WORD)) {
    const word = trimTerm(m[0]);
    if (isIdentifier(word)) add(m[0], 'identifier', m.index!);
  }
  for (const m of text.matchAll(NUMBER)) add(m[0], 'number', m.index!);
  for (const m of text.matchAll(SYMBOLS))
    if (claim(m.index!, m.index! + m[0].length)) found.push({ text: m[0], kind: 'quoted', offset: m.index! });
  for (const name of findNames(text)) add(name.text, 'name', name.offset);

  found.sort((a, b) => a.offset - b.offset);
  const subject = findSubject(text, found);
  const seen = new Set<string>([subject.toLowerCase()]);
  const subjectWords = new Set(splitWords(subject.toLowerCase()));
  const terms: KeyTerm[] = [];
  for (const term of found) {
    const key = term.text.toLowerCase();
    if (seen.has(key) || (term.kind === 'name' && subjectWords.has(key))) continue;
    seen.add(key);
    terms.push({ ...term, clause: clauseIndexOf(clauses, text, term.offset) });
  }
  return { subject, clauses, terms };
}

/** Sentences, then parts at ';' or ' - ', without closing punctuation. Dots inside names stay. */
export function splitClauses(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+(?=[A-Z0-9"'`(])|;\s+|\s[—–]\s|\s-\s/)
    .map(part =>
      part
        .trim()
        .replace(/[.;:,!]+$/, '')
        .trim(),
    )
    .filter(part => part.length > 0);
}

function findNames(text: string): { text: string; offset: number }[] {
  const names: { text: string; offset: number }[] = [];
  const pattern = /(?<![\w.'’-])[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*/g;
  for (const m of text.matchAll(pattern)) {
    const words = splitWords(m[0]);
    // Drop common sentence starters from the front ("The Adyen integration" -> "Adyen").
    let skip = 0;
    while (skip < words.length && SENTENCE_STARTERS.has(words[skip]!.toLowerCase().replace(/['’]s$/, ''))) skip++;
    const kept = words.slice(skip).map(w => w.replace(/['’]s$/, ''));
    if (kept.length === 0) continue;
    const value = kept.join(' ');
    if (value.length < 2) continue;
    names.push({ text: value, offset: m.index! + m[0].indexOf(words[skip]!) });
  }
  return names;
}

function findSubject(text: string, found: readonly { text: string; kind: TermKind; offset: number }[]): string {
  // "govuk-aws: ...", "Home Assistant rule: ..."
  const prefix = /^([^\s:][^:]{0,40}?)(?: rule)?:\s/.exec(text);
  if (prefix && prefix[1]!.split(/\s+/).length <= 2) return trimTerm(prefix[1]!);
  // "dotcom-rendering's CSS-in-JS library", "Via's Docker image"
  const possessive = /(?<![\w-])((?:[A-Z][\w-]*\s)?[\w.-]+)['’]s\b/.exec(text);
  if (possessive && possessive.index < 60) return possessive[1]!;
  // A sentence that starts with its subject: "packwerk 2.1.0 failed", "Home Assistant accepts".
  const lead = /^([A-Z][\w.-]*(?:\s+[A-Z][\w.-]*)*|[\w][\w.-]*)/.exec(text);
  if (lead && !SENTENCE_STARTERS.has(lead[1]!.split(/\s+/)[0]!.toLowerCase())) return trimTerm(lead[1]!);
  const first = found.find(t => t.offset < 40 && t.kind !== 'number' && t.kind !== 'quoted');
  if (first) return first.text;
  const content = splitWords(text)
    .map(trimTerm)
    .filter(w => w && !SENTENCE_STARTERS.has(w.toLowerCase()));
  return content.slice(0, 2).join(' ') || text.slice(0, 40);
}

function clauseIndexOf(clauses: readonly string[], text: string, offset: number): number {
  let at = 0;
  for (let i = 0; i < clauses.length; i++) {
    const start = text.indexOf(clauses[i]!, at);
    if (start === -1) continue;
    const end = start + clauses[i]!.length;
    if (offset < end + 1) return i;
    at = end;
  }
  return clauses.length - 1;
}

/** "Linux/macOS", "and/or": a slash between two plain words is not a path. */
function isPlainWordPair(value: string): boolean {
  return (
    /^[A-Za-z]+\/[A-Za-z]+$/.test(value) && !/[a-z]\/[a-z]+$/.test(value.toLowerCase().replace(/^[a-z]+\/(compat|[a-z]+\.[a-z]+)$/, 'x'))
  );
}
