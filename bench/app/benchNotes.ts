// The notes and questions the app benchmark writes and asks: the public eval set's
// (../shared/eval/public, when checked out beside the project) or, without it, generated
// two-sentence notes in the same shape, so the benchmark runs from a clean clone too.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { NoteKind } from '../../src/memory/note';
import { findPublicEvalSet } from '../../src/eval/publicSetLocation';

export interface BenchNote {
  readonly text: string;
  readonly kind: NoteKind;
}

export interface BenchTexts {
  readonly source: string;
  readonly notes: readonly BenchNote[];
  readonly questions: readonly string[];
}

export function benchTexts(count: number): BenchTexts {
  const dir = findPublicEvalSet();
  if (dir) {
    const notes = readJsonl<{ note: string; kind: NoteKind }>(path.join(dir, 'notes.jsonl')).map(n => ({ text: n.note, kind: n.kind }));
    const questions = readJsonl<{ question: string }>(path.join(dir, 'questions.jsonl')).map(q => q.question);
    return { source: 'eval/public', notes: notes.slice(0, count), questions };
  }
  return {
    source: 'generated',
    notes: generatedNotes(count),
    questions: generatedNotes(count).map((_, i) => `Which ${TOPICS[i % TOPICS.length]} convention does this project follow?`),
  };
}

const TOPICS = ['money', 'date', 'error', 'logging', 'retry', 'cache', 'naming', 'test', 'locale', 'id'];

/** Two-sentence notes of the eval set's length (about 30 words). */
export function generatedNotes(count: number): BenchNote[] {
  const kinds: NoteKind[] = ['convention', 'decision', 'bug'];
  return Array.from({ length: count }, (_, i) => ({
    kind: kinds[i % kinds.length]!,
    text:
      `The ${TOPICS[i % TOPICS.length]} module number ${i + 1} keeps its values in one immutable record passed by reference. ` +
      `We chose this after a race between two writers corrupted the ${TOPICS[(i + 3) % TOPICS.length]} table in release ${i + 2}.`,
  }));
}

function readJsonl<T>(file: string): T[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(line => line.trim() !== '')
    .map(line => JSON.parse(line) as T);
}
