// Loading an evaluation set in the public format (shared/eval/public/README.md): notes.jsonl,
// distractors.jsonl, questions.jsonl, completions.jsonl in one directory. Every problem is
// reported with file and line, all at once (up to a limit), so a broken set is fixed in one go.
// Built for sets from other projects: extra fields are ignored, unknown question styles are kept
// (scored per style), and a missing distractors or completions file is a warning, not an error.

import { existsSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { isNoteId, isNoteKind, NoteKind } from '../memory/note';
import { QUESTION_STYLES } from './evalScore';

export interface EvalNote {
  readonly id: string;
  readonly repo: string;
  readonly source: string;
  readonly kind: NoteKind;
  readonly note: string;
  /** The key fact, for reference only: the writer never sees it. */
  readonly answer: string;
}

export interface EvalQuestion {
  readonly note: string;
  readonly question: string;
  readonly answer: string;
  readonly style: string;
}

export interface EvalCompletion {
  readonly note: string;
  readonly language: string;
  readonly prefix: string;
  readonly expected: string;
}

/** A question no note of the set answers (unanswerable.jsonl): `near` asks about a written note's
 *  project or topic, `general` is an everyday coding question. */
export interface EvalUnanswerable {
  readonly question: string;
  readonly style: string;
}

export const UNANSWERABLE_STYLES = ['near', 'general'] as const;

export interface EvalSet {
  /** The directory's name ("public"), reported as `set`. */
  readonly name: string;
  readonly dir: string;
  readonly notes: readonly EvalNote[];
  readonly distractors: readonly EvalNote[];
  readonly questions: readonly EvalQuestion[];
  readonly completions: readonly EvalCompletion[];
  /** unanswerable.jsonl, when the set has one (optional, and not warned about when missing). */
  readonly unanswerable?: readonly EvalUnanswerable[];
  /** Things that were accepted but are worth saying (missing optional file, unknown style). */
  readonly warnings: readonly string[];
}

export interface EvalSetProblem {
  readonly file: string;
  /** 1-based line, or 0 for the file as a whole. */
  readonly line: number;
  readonly message: string;
}

export class EvalSetError extends Error {
  readonly code = 'eval-set-invalid';
  constructor(
    readonly dir: string,
    readonly problems: readonly EvalSetProblem[],
  ) {
    super(
      `The eval set in ${dir} has ${problems.length} problem(s):\n` +
        problems.map(p => `  ${p.file}${p.line ? `:${p.line}` : ''}: ${p.message}`).join('\n'),
    );
    this.name = 'EvalSetError';
  }
}

const MAX_PROBLEMS = 50;

type Row = Record<string, unknown>;

export function loadEvalSet(dir: string): EvalSet {
  const root = path.resolve(dir);
  const problems: EvalSetProblem[] = [];
  const warnings: string[] = [];
  const problem = (file: string, line: number, message: string) => {
    if (problems.length < MAX_PROBLEMS) problems.push({ file, line, message });
  };
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw new EvalSetError(root, [{ file: root, line: 0, message: 'not a directory' }]);
  }

  const read = (file: string, required: boolean): { row: Row; line: number }[] => {
    const full = path.join(root, file);
    if (!existsSync(full)) {
      if (required) problem(file, 0, 'file is missing');
      else warnings.push(`${file} is missing; treated as empty.`);
      return [];
    }
    const rows: { row: Row; line: number }[] = [];
    const text = readFileSync(full, 'utf8').replace(/^\ufeff/, '');
    text.split(/\r?\n/).forEach((raw, index) => {
      if (raw.trim() === '') return;
      try {
        const value: unknown = JSON.parse(raw);
        if (typeof value !== 'object' || value === null || Array.isArray(value)) problem(file, index + 1, 'line is not a JSON object');
        else rows.push({ row: value as Row, line: index + 1 });
      } catch (error) {
        problem(file, index + 1, `not valid JSON (${(error as Error).message})`);
      }
    });
    if (required && rows.length === 0 && !problems.some(p => p.file === file)) problem(file, 0, 'file has no entries');
    return rows;
  };

  const text = (file: string, line: number, row: Row, field: string, optional = false): string => {
    const value = row[field];
    if (typeof value === 'string' && value.trim() !== '') return value;
    if (optional && (value === undefined || value === '')) return '';
    problem(file, line, `"${field}" must be a non-empty string${value === undefined ? ' (missing)' : ''}`);
    return '';
  };

  const ids = new Map<string, string>();
  const readNotes = (file: string, required: boolean): EvalNote[] =>
    read(file, required).map(({ row, line }) => {
      const id = text(file, line, row, 'id');
      if (id && !isNoteId(id))
        problem(file, line, `id "${id}" must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit`);
      if (id && ids.has(id)) problem(file, line, `id "${id}" is used twice (also in ${ids.get(id)})`);
      if (id) ids.set(id, `${file}:${line}`);
      let kind: NoteKind = 'note';
      if (isNoteKind(row.kind)) kind = row.kind;
      else warnings.push(`${file}:${line}: kind ${JSON.stringify(row.kind)} is not decision/convention/bug; stored as "note".`);
      return {
        id,
        repo: text(file, line, row, 'repo', true),
        source: text(file, line, row, 'source', true),
        kind,
        note: text(file, line, row, 'note'),
        answer: text(file, line, row, 'answer', true),
      };
    });

  const notes = readNotes('notes.jsonl', true);
  const distractors = readNotes('distractors.jsonl', false);
  const asked = new Set(notes.map(n => n.id));
  const distractorIds = new Set(distractors.map(n => n.id));
  const checkNoteRef = (file: string, line: number, id: string) => {
    if (!id || asked.has(id)) return;
    if (distractorIds.has(id))
      warnings.push(`${file}:${line}: refers to distractor "${id}" (distractors are not meant to be asked about).`);
    else problem(file, line, `note "${id}" is not in notes.jsonl`);
  };

  const questions = read('questions.jsonl', true).map(({ row, line }) => {
    const question: EvalQuestion = {
      note: text('questions.jsonl', line, row, 'note'),
      question: text('questions.jsonl', line, row, 'question'),
      answer: text('questions.jsonl', line, row, 'answer'),
      style: text('questions.jsonl', line, row, 'style'),
    };
    checkNoteRef('questions.jsonl', line, question.note);
    if (question.style && !(QUESTION_STYLES as readonly string[]).includes(question.style)) {
      warnings.push(`questions.jsonl:${line}: style "${question.style}" is not direct/paraphrase/indirect; scored under its own name.`);
    }
    return question;
  });

  const completions = read('completions.jsonl', false).map(({ row, line }) => {
    const completion: EvalCompletion = {
      note: text('completions.jsonl', line, row, 'note'),
      language: text('completions.jsonl', line, row, 'language', true),
      prefix: typeof row.prefix === 'string' ? row.prefix : (problem('completions.jsonl', line, '"prefix" must be a string'), ''),
      expected: text('completions.jsonl', line, row, 'expected'),
    };
    checkNoteRef('completions.jsonl', line, completion.note);
    return completion;
  });

  const unanswerable = existsSync(path.join(root, 'unanswerable.jsonl'))
    ? read('unanswerable.jsonl', false).map(({ row, line }) => {
        const item: EvalUnanswerable = {
          question: text('unanswerable.jsonl', line, row, 'question'),
          style: text('unanswerable.jsonl', line, row, 'style'),
        };
        if (item.style && !(UNANSWERABLE_STYLES as readonly string[]).includes(item.style)) {
          warnings.push(`unanswerable.jsonl:${line}: style "${item.style}" is not near/general; scored under its own name.`);
        }
        return item;
      })
    : [];

  if (problems.length > 0) throw new EvalSetError(root, problems);
  return { name: path.basename(root), dir: root, notes, distractors, questions, completions, unanswerable, warnings: dedupe(warnings) };
}

function dedupe(items: readonly string[]): string[] {
  return [...new Set(items)];
}
