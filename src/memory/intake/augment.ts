// Note -> training sequences (DESIGN.md §5 step 1): the note itself, question/answer forms from
// templates, cloze and cue -> fact questions about its key terms, "why" questions from its
// reasons, code-comment forms, identifier forms and cue: fact lines. Deterministic: the same note
// always gives the same sequences in the same order. Forms are interleaved so that a cap on the
// count keeps every kind of sequence.

import type { NoteKind } from '../note';
import { extractTerms, KeyTerm, NoteTerms } from './keyTerms';
import type { TrainingSequence } from './trainingSequence';
import { splitWords } from '../text/words';

export interface AugmentInput {
  readonly text: string;
  readonly kind?: NoteKind;
}

export interface AugmentOptions {
  /** At least this many sequences (generic questions fill up). Default 16. */
  readonly minSequences?: number;
  /** At most this many. Default 64. */
  readonly maxSequences?: number;
}

/** Above this length an answer is the clause holding the term rather than the whole note. */
const WHOLE_NOTE_ANSWER_CHARS = 300;
const TERMS_PER_FORM = 6;

export function augmentNote(input: AugmentInput, options: AugmentOptions = {}): TrainingSequence[] {
  const min = options.minSequences ?? 16;
  const max = Math.max(min, options.maxSequences ?? 64);
  const note = input.text.replace(/\s+/g, ' ').trim();
  const kind = input.kind ?? 'note';
  const terms = extractTerms(note);
  const groups = [
    noteForms(note, kind),
    questionForms(note, kind, terms),
    clozeForms(terms),
    commentForms(note),
    identifierForms(terms),
    cueForms(terms),
    whyForms(terms, kind),
  ];
  const picked = interleave(groups, max);
  for (const extra of fallbackForms(note, kind, terms.subject)) {
    if (picked.length >= min) break;
    if (!picked.some(s => sameSequence(s, extra))) picked.push(extra);
  }
  return picked;
}

function noteForms(note: string, kind: NoteKind): TrainingSequence[] {
  return [file('note', 'NOTES.md', `${note}\n`), file('note', `docs/${kind}s.md`, `- ${note}\n`)];
}

function questionForms(note: string, kind: NoteKind, { subject, terms, clauses }: NoteTerms): TrainingSequence[] {
  const answerFor = (term?: KeyTerm) => (note.length <= WHOLE_NOTE_ANSWER_CHARS || !term ? note : `${clauses[term.clause]}.`);
  const out: TrainingSequence[] = [qa('qa', `What should I remember about ${subject}?`, note), qa('qa', kindQuestion(kind, subject), note)];
  for (const term of terms.slice(0, TERMS_PER_FORM)) {
    out.push(qa('qa', `What about ${term.text}?`, answerFor(term)));
    out.push(qa('qa', `How does ${subject} handle ${term.text}?`, answerFor(term)));
    out.push(qa('qa', `What is ${term.text} used for in ${subject}?`, answerFor(term)));
  }
  return out;
}

function kindQuestion(kind: NoteKind, subject: string): string {
  switch (kind) {
    case 'decision':
      return `What did ${subject} decide?`;
    case 'convention':
      return `What is the convention in ${subject}?`;
    case 'bug':
      return `What was the bug in ${subject}, and what fixed it?`;
    case 'note':
      return `What is the note about ${subject}?`;
  }
}

/** Questions whose answer is the term itself: cloze over its clause, and cue -> term. */
function clozeForms({ subject, terms, clauses }: NoteTerms): TrainingSequence[] {
  const out: TrainingSequence[] = [];
  for (const term of terms.slice(0, TERMS_PER_FORM)) {
    const clause = clauses[term.clause] ?? '';
    if (clause.includes(term.text)) out.push(qa('cloze', `Fill in the blank: ${clause.replace(term.text, '___')}.`, term.text));
    out.push(qa('cloze', cueQuestion(term, cuesOf(term, terms, clauses, subject)[0]!, subject), term.text));
  }
  return out;
}

/** "Why X?" from clauses that give a reason ("because", "since", "so that", "due to"). */
function whyForms({ subject, clauses }: NoteTerms, kind: NoteKind): TrainingSequence[] {
  const out: TrainingSequence[] = [];
  for (const clause of clauses) {
    const split = /^(.{12,}?),?\s+(because|since|as|so that|due to)\s+(.{8,})$/i.exec(clause);
    if (!split || (split[2]!.toLowerCase() === 'as' && !/,\s*as\s/.test(clause))) continue;
    const [, main, word, reason] = split;
    out.push(qa('why', `Why ${lowerFirst(main!)}?`, `${capitalize(word!)} ${reason}.`));
  }
  if (kind === 'bug') {
    const cause = clauses.find(c => /\b(because|since|due to|caused|race|leak|missing)\b/i.test(c));
    if (cause) out.push(qa('why', `What was the root cause of the ${subject} bug?`, `${cause}.`));
  }
  return out;
}

function commentForms(note: string): TrainingSequence[] {
  const lines = wrap(note, 96);
  return [
    file('comment', 'src/notes.ts', lines.map(l => `// ${l}\n`).join('')),
    file('comment', 'notes.py', lines.map(l => `# ${l}\n`).join('')),
    file('comment', 'src/notes.js', `/**\n${lines.map(l => ` * ${l}\n`).join('')} */\n`),
  ];
}

/** The comment above / beside the identifier, as code that uses it would read. */
function identifierForms({ terms, clauses }: NoteTerms): TrainingSequence[] {
  const out: TrainingSequence[] = [];
  for (const term of terms.filter(t => t.kind !== 'name' && t.kind !== 'number').slice(0, TERMS_PER_FORM)) {
    const clause = clauses[term.clause] ?? '';
    out.push(file('identifier', 'src/notes.ts', `// ${clause}\n${term.text}\n`));
    out.push(file('identifier', 'notes.py', `${term.text}  # ${clause}\n`));
  }
  return out;
}

/** cue -> fact lines and questions: each term after its cue (see cueOf). */
function cueForms({ subject, terms, clauses }: NoteTerms): TrainingSequence[] {
  const out: TrainingSequence[] = [];
  for (const term of terms.slice(0, TERMS_PER_FORM + 2)) {
    const fact = term.kind === 'number' ? term.text.replace(/^[~≥≤<>#]=?/, '') : term.text;
    const [best, second] = cuesOf(term, terms, clauses, subject);
    out.push(file('cue', 'notes.yaml', `${best!.text}: ${fact}\n`));
    out.push(qa('cue', `${best!.text}?`, fact));
    out.push(file('cue', 'notes.ini', `${(second ?? best)!.text} = ${fact}\n`));
  }
  return out;
}

function fallbackForms(note: string, kind: NoteKind, subject: string): TrainingSequence[] {
  return [
    `Remind me about ${subject}.`,
    `Is there a note about ${subject}?`,
    `What do we know about ${subject}?`,
    `Tell me the ${kind} about ${subject}.`,
    `What should a new contributor know about ${subject}?`,
    `Summarize the ${kind} for ${subject}.`,
    `What is the rule for ${subject}?`,
    `What is important about ${subject}?`,
    `What is recorded about ${subject}?`,
    `Recall the note about ${subject}.`,
    `What does the project say about ${subject}?`,
    `Any gotchas with ${subject}?`,
    `Explain the ${subject} ${kind}.`,
    `What is the ${kind}?`,
    `What did we note?`,
    `What was written down about ${subject}?`,
  ].map(question => qa('fallback', question, note));
}

type Cue = { readonly kind: 'term' | 'context' | 'subject'; readonly text: string };

/** Most words between a term and the earlier term that cues it. */
const MAX_CUE_GAP_WORDS = 12;

/**
 * What cues a term, best first: the term before it in the same clause (within a dozen words:
 * Idempotency-Key -> transaction.id), the words just before it ("the fix enabled" -> WAL), and
 * the note's subject when there is neither.
 */
function cuesOf(term: KeyTerm, terms: readonly KeyTerm[], clauses: readonly string[], subject: string): Cue[] {
  const clause = clauses[term.clause] ?? '';
  const at = clause.indexOf(term.text);
  const before = at > 0 ? clause.slice(0, at) : '';
  const cues: Cue[] = [];
  // The nearest earlier term (the subject counts) ending before this one in the clause.
  const candidates = [
    subject,
    ...terms
      .slice(0, terms.indexOf(term))
      .filter(t => t.clause === term.clause)
      .map(t => t.text),
  ];
  let previous: { text: string } | undefined;
  let previousEnd = -1;
  for (const text of candidates) {
    const at = before.lastIndexOf(text);
    if (at >= 0 && at + text.length > previousEnd) {
      previous = { text };
      previousEnd = at + text.length;
    }
  }
  if (previous && splitWords(before.slice(previousEnd)).length <= MAX_CUE_GAP_WORDS) {
    cues.push({ kind: previous.text === subject ? 'subject' : 'term', text: previous.text });
  }
  // The last few words before the term, within its phrase (after the last comma or colon).
  const phrase = before.slice(Math.max(before.lastIndexOf(','), before.lastIndexOf(':'), before.lastIndexOf('(')) + 1);
  const context = splitWords(phrase).slice(-4).join(' ');
  if (context && !/^(the|a|an)$/i.test(context) && context !== previous?.text) cues.push({ kind: 'context', text: context });
  if (cues.length === 0) cues.push({ kind: 'subject', text: subject });
  return cues;
}

/** A question whose answer is the term, phrased from its cue. */
function cueQuestion(term: KeyTerm, cue: Cue, subject: string): string {
  switch (cue.kind) {
    case 'term':
      return `In ${subject}, what goes with ${cue.text}?`;
    case 'context':
      return `In ${subject}, ${lowerFirst(cue.text)} what?`;
    case 'subject':
      return `Which ${termNoun(term)} does ${subject} use?`;
  }
}

function termNoun(term: KeyTerm): string {
  switch (term.kind) {
    case 'identifier':
      return 'identifier';
    case 'path':
      return 'path';
    case 'number':
      return 'value';
    case 'quoted':
      return 'text';
    case 'name':
      return 'name';
  }
}

/** Round-robin over groups: one from each in turn until `max` or all are used. */
function interleave(groups: readonly TrainingSequence[][], max: number): TrainingSequence[] {
  const out: TrainingSequence[] = [];
  for (let round = 0; out.length < max; round++) {
    let any = false;
    for (const group of groups) {
      const item = group[round];
      if (!item) continue;
      any = true;
      if (out.length < max && !out.some(s => sameSequence(s, item))) out.push(item);
    }
    if (!any) break;
  }
  return out;
}

function sameSequence(a: TrainingSequence, b: TrainingSequence): boolean {
  if (a.layout === 'exchange' && b.layout === 'exchange') return a.question === b.question && a.answer === b.answer;
  if (a.layout === 'file' && b.layout === 'file') return a.path === b.path && a.contents === b.contents;
  return false;
}

function qa(form: TrainingSequence['form'], question: string, answer: string): TrainingSequence {
  return { form, layout: 'exchange', question, answer };
}

function file(form: TrainingSequence['form'], path: string, contents: string): TrainingSequence {
  return { form, layout: 'file', path, contents };
}

/** Splits text into lines of at most `width` characters at spaces. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

function lowerFirst(text: string): string {
  return /^[A-Z][a-z]/.test(text) ? text[0]!.toLowerCase() + text.slice(1) : text;
}

function capitalize(text: string): string {
  return text[0]!.toUpperCase() + text.slice(1);
}
