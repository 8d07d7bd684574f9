// Which span of a gated note the code at the cursor is about to type, if any: the copy half of a
// completion (service/completionPath.ts). The keyed note memory's slots are keyed on a note's prose,
// and the model is too small to recall a fact from them into code it has never seen, so where code
// needs a remembered fact the memory proposes the note's word for it directly, like a pointer head.
//
// A span (noteSpans.ts) scores by where it sits in the note: the words around it that the lines at
// the cursor share ("max-line-length = " before "max-line-length = 88"), weighted by idf and by how
// near they are, plus the span's own parts the cursor lines name (a comment naming "monitoring2" before
// "monitoring2_ingress_webapps-elb_nrpe"). A note word the cursor's last word starts ("window." before
// "window.guardianPolyfilledImport") is the strongest sign. The file's name is context too
// (".gitattributes" near "LF"). A span the code shows whole gets no credit for its own parts. Times
// the note's share of the gate.

import { cursorView, isShown } from './codeView';
import type { NoteId } from '../note';
import { noteSpans, startedSpans } from './noteSpans';
import { inverseDocumentFrequency, WordFrequencies } from '../keyed/wordBag';
import { isCodeLike } from '../text/codeLike';
import { endsInName, indexTerms, splitWords } from '../text/words';

export interface SpanCopySettings {
  /** Lines before the cursor's line that count, and the weight of each further line back. */
  readonly contextLines: number;
  readonly lineDecay: number;
  /** Note words either side of a span that count. */
  readonly window: number;
  /** Score per character of cursor text the span's note word starts with (at least 2). */
  readonly overlapWeight: number;
  /** Extra factor on the cursor line's last term: the cue right before the cursor. */
  readonly lastTermWeight: number;
  /** How much faster a note word after the span stops counting than one before it (a fact follows its cue). */
  readonly afterDecay: number;
  /** Factor on a span that is a plain word (no digit, `_`, `.`, `/`, inner capital, not quoted in the note). */
  readonly plainWordWeight: number;
  /** Weight of the file name's terms in the context (".gitattributes" near "LF"). */
  readonly fileNameWeight: number;
  /** A span copies only at this score or above. */
  readonly threshold: number;
}

// The rules kept paid on the set they were not written for (dev; docs/decisions/2026-12-07-ghost-text-confidence.md).
// Deleted there, not paying on dev: a shown span x0.3, the other letter case x0.9, abbreviations at
// half weight, old-value cues x0.3, call cues and `(` after await/new, name cues, durations in the
// code's unit, pattern fill, possessives.
export const defaultSpanCopySettings: SpanCopySettings = {
  contextLines: 2,
  lineDecay: 0.5,
  window: 12,
  overlapWeight: 2,
  lastTermWeight: 2,
  afterDecay: 2,
  plainWordWeight: 0.1,
  fileNameWeight: 0.5,
  threshold: 0.25,
};

/** What a note offers a completion, found once per note (the keeper keeps one per live note): its
 *  words, each word's terms, and its spans with their terms and where they stand. */
export interface NoteSpanIndex {
  readonly id: NoteId;
  readonly words: readonly string[];
  readonly wordTerms: readonly ReadonlySet<string>[];
  readonly spans: readonly IndexedSpan[];
}

interface IndexedSpan {
  readonly text: string;
  readonly overlap: number;
  /** The span's own terms. */
  readonly terms: readonly string[];
  /** The note words it is part of, and whether it reads as code there. */
  readonly at: readonly { readonly word: number; readonly codeLike: boolean }[];
}

export function indexNoteSpans(id: NoteId, text: string): NoteSpanIndex {
  const words = splitWords(text);
  const spans = noteSpans(text).map(span => indexSpan(span, 0, words));
  return { id, words, wordTerms: words.map(word => new Set(indexTerms(word).map(stem))), spans };
}

function indexSpan(text: string, overlap: number, words: readonly string[]): IndexedSpan {
  const at: { word: number; codeLike: boolean }[] = [];
  words.forEach((word, i) => {
    if (wordPartAt(word, text) >= 0) {
      at.push({ word: i, codeLike: isCodeLike(text, word) });
      return;
    }
    // Typed in lowercase it is still the note's code word ("lf" of "LF").
    const low = wordPartAt(word.toLowerCase(), text);
    if (low >= 0) at.push({ word: i, codeLike: isCodeLike(word.slice(low, low + text.length), word) });
  });
  return { text, overlap, terms: [...new Set(indexTerms(text).map(stem))], at };
}

export interface GatedNote {
  readonly index: NoteSpanIndex;
  /** The note's share of the gate for this text (0..1; service/noteSlotKeeper.ts gates as for a
   *  question, since a copy also needs its span's context to match). */
  readonly gate: number;
}

export interface SpanCandidate {
  readonly note: NoteId;
  readonly text: string;
  readonly score: number;
}

/** What else a copy may go on: the settings (else what ships) and the file's name (else none). */
export interface SpanCopyOptions {
  readonly settings?: SpanCopySettings;
  readonly fileName?: string;
}

/** Every candidate span of the gated notes, best first. */
export function rankSpans(
  notes: readonly GatedNote[],
  prefix: string,
  words: WordFrequencies,
  options: SpanCopyOptions = {},
): SpanCandidate[] {
  const { settings = defaultSpanCopySettings, fileName = '' } = options;
  const context = cursorContext(prefix, fileName, words, settings);
  const line = prefix.slice(prefix.lastIndexOf('\n') + 1);
  const cursorLine = line.toLowerCase();
  // Inside a word ("this.#defaul") only the rest of a note word the cursor started can be typed:
  // anything else would be glued onto the partial word.
  const insideWord = endsInName(prefix);
  // After a closing quote or bracket (`'Cents'`, `run()`) code goes on with punctuation or an
  // operator: a name glued on there is wrong (in the training packages' JS/TS a name character
  // follows a closing quote 0.25% of the time, a closing bracket 0.05%).
  const afterClosing = closesToken(line);
  // A span naming what the cursor's line names is that line's cue, not what comes next: its own
  // words count only from the lines before.
  const cursorTermList = indexTerms(cursorLine).map(stem);
  const cursorTerms = new Set(cursorTermList);
  const lastTerm = cursorTermList.at(-1) ?? null;
  const weightOf = (term: string): number => context.get(term) ?? 0;
  const view = cursorView(fileName, prefix);
  const inCode = !isProseLine(line, fileName);
  const candidates: SpanCandidate[] = [];
  for (const { index, gate } of notes) {
    const started = startedSpans(index.words, prefix);
    const spans = [
      ...started.spans.map(span => indexSpan(span.text, span.overlap, index.words)),
      ...(insideWord ? [] : index.spans.filter(span => !started.typed.has(span.text))),
    ];
    const nearby = new Map<number, number>(); // note word -> the context words around it, weighted
    const around = (j: number) => {
      let score = nearby.get(j);
      if (score !== undefined) return score;
      score = 0;
      for (let i = Math.max(0, j - settings.window); i <= Math.min(index.words.length - 1, j + settings.window); i++) {
        if (i === j) continue;
        const distance = i < j ? j - i : settings.afterDecay * (i - j);
        for (const term of index.wordTerms[i]!) score += weightOf(term) / (1 + distance);
      }
      nearby.set(j, score);
      return score;
    };
    const seen = new Set<string>();
    for (const span of spans) {
      if (seen.has(span.text)) continue; // a started span comes first and wins over the same text
      seen.add(span.text);
      // The span as this cursor would type it (a number's literal form in code).
      const text = inCode ? codeNumber(span.text) : span.text;
      if (afterClosing && /^[\p{L}\p{N}_$]/u.test(text)) continue;
      // Typed already, or the cue itself ("output.hashFunction" where the line ends "hashFunction: '").
      if (span.overlap === 0 && (cursorLine.includes(text.toLowerCase()) || (lastTerm !== null && span.terms.includes(lastTerm)))) continue;
      // The span's own parts named by the code are a sign, unless the code shows the span whole.
      let own = 0;
      if (!(span.overlap === 0 && isShown(text, view))) for (const term of span.terms) if (!cursorTerms.has(term)) own += weightOf(term);
      let best = 0;
      for (const { word, codeLike } of span.at) best = Math.max(best, (around(word) + own) * (codeLike ? 1 : settings.plainWordWeight));
      candidates.push({ note: index.id, text, score: gate * (best + settings.overlapWeight * span.overlap) });
    }
  }
  // On a tie the whole note word wins over its tail ("ghcr.io/acme/web" over "acme/web").
  return candidates.sort((a, b) => b.score - a.score || b.text.length - a.text.length);
}

/** The best span when it clears the threshold, else null (the model completes on its own). */
export function spanToCopy(
  notes: readonly GatedNote[],
  prefix: string,
  words: WordFrequencies,
  options: SpanCopyOptions = {},
): SpanCandidate | null {
  const best = rankSpans(notes, prefix, words, options)[0];
  return best && best.score >= (options.settings ?? defaultSpanCopySettings).threshold ? best : null;
}

/** Terms of the cursor's line and the lines before it: idf times the line's weight (the largest);
 *  the file name's at a weight of their own. */
function cursorContext(prefix: string, fileName: string, words: WordFrequencies, settings: SpanCopySettings): Map<string, number> {
  const lines = prefix.split('\n');
  const context = new Map<string, number>();
  for (const term of indexTerms(fileName.slice(fileName.lastIndexOf('/') + 1)).map(stem))
    context.set(term, settings.fileNameWeight * inverseDocumentFrequency(words, term));
  let weight = 1;
  for (let back = 0, line = lines.length - 1; line >= 0 && back <= settings.contextLines; line--) {
    const terms = indexTerms(lines[line]!).map(stem);
    if (back === 0 && terms.length > 0) {
      const last = terms[terms.length - 1]!;
      context.set(last, settings.lastTermWeight * inverseDocumentFrequency(words, last));
    }
    if (terms.length === 0 && line !== lines.length - 1) continue;
    for (const term of terms) context.set(term, Math.max(context.get(term) ?? 0, weight * inverseDocumentFrequency(words, term)));
    weight *= settings.lineDecay;
    back++;
  }
  return context;
}

/** A number the note writes with thousands separators ("10,000") is typed in code as a literal
 *  ("10000"): no language's number literal has them. */
function codeNumber(span: string): string {
  return /^\d{1,3}(?:,\d{3})+(?:\.\d+)?$/u.test(span) ? span.replaceAll(',', '') : span;
}

/** Whether the cursor is in prose, where a number keeps its separators: a document (Markdown,
 *  plain text), a comment line (`//`, `*`, `# `, `-- `, `;`; not `#define` or `#!`), or a comment
 *  after code on the line (`lruSize: 10000, // 10,000 items`). */
function isProseLine(line: string, fileName: string): boolean {
  return (
    /\.(?:md|markdown|txt|rst|adoc)$/iu.test(fileName) || /^\s*(?:\/\/|\/?\*|#(?![\w!])|--\s|;)/u.test(line) || /\s(?:\/\/|#)\s/u.test(line)
  );
}

/** Whether the line ends with a closing quote (its quote character an even number of times on the
 *  line) or a closing round or square bracket. */
function closesToken(line: string): boolean {
  const last = line.at(-1);
  if (last === ')' || last === ']') return true;
  if (last !== "'" && last !== '"' && last !== '`') return false;
  return line.split(last).length % 2 === 1;
}

/** Where the span stands in the note word as a whole part of it (not "sh" inside "suppressHydration"), or -1. */
function wordPartAt(word: string, span: string): number {
  for (let from = word.indexOf(span); from >= 0; from = word.indexOf(span, from + 1)) {
    const before = word[from - 1];
    const after = word[from + span.length];
    if ((before === undefined || !/[\p{L}\p{N}]/u.test(before)) && (after === undefined || !/[\p{L}\p{N}]/u.test(after))) return from;
  }
  return -1;
}

/** Plural and singular match: "spans" and "span", "headers" and "header". */
function stem(term: string): string {
  if (term.length > 4 && /(?:ch|sh|x|ss)es$/.test(term)) return term.slice(0, -2);
  return term.length > 3 && term.endsWith('s') && !term.endsWith('ss') ? term.slice(0, -1) : term;
}
