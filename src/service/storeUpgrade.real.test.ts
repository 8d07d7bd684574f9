// An upgrade between two trained checkpoints: a store written with the previous shipped model
// (training-logs/pkm-4/checkpoint, 40.96M tokens) opens with the shipped one (native/model: the
// same lineage trained on to 71.68M tokens over a larger corpus), and every note answers its own direct question (public
// set) afterwards. A few notes, to keep the runtime modest. Skips when either model or the public
// set is not there.

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { answerRecall } from '../eval/evalScore';
import type { NoteKind } from '../memory/note';
import { MemoryStore } from '../memory/store/memoryStore';
import { MemoryService } from './memoryService';
import type { ProgressEvent } from './protocol';
import { tempStoreDir } from './tinyModelFixture';

const previousDir = path.resolve(__dirname, '../../training-logs/pkm-4/checkpoint');
const shippedDir = path.resolve(__dirname, '../../native/model');
const publicSet = [path.resolve(__dirname, '../../../shared/eval/public'), path.resolve(__dirname, '../../../../shared/eval/public')].find(
  dir => existsSync(path.join(dir, 'notes.jsonl')),
);
const NOTES = 4;

function readJsonl<T>(file: string): T[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(line => line.trim() !== '')
    .map(line => JSON.parse(line) as T);
}

test(
  'a store written with the previous shipped model opens with the shipped one: every note is cited first by its direct question and answers as the shipped model writing it afresh',
  { skip: !existsSync(path.join(previousDir, 'manifest.json')) || !existsSync(path.join(shippedDir, 'manifest.json')) || !publicSet },
  async () => {
    const notes = readJsonl<{ id: string; kind: NoteKind; note: string }>(path.join(publicSet!, 'notes.jsonl')).slice(0, NOTES);
    const questions = readJsonl<{ note: string; question: string; answer: string; style: string }>(
      path.join(publicSet!, 'questions.jsonl'),
    );
    const direct = notes.map(note => questions.find(q => q.note === note.id && q.style === 'direct')!);
    const storeDir = tempStoreDir();

    const before = await MemoryService.open({ storeDir, modelDir: previousDir, author: 'eval' });
    for (const note of notes) await before.remember({ text: note.note, id: note.id, kind: note.kind });
    const recallBefore: number[] = [];
    for (const q of direct) recallBefore.push(answerRecall((await before.ask({ question: q.question })).answer, q.answer) ?? 0);
    await before.close();

    // What the shipped model answers when it writes the same notes itself, from scratch.
    const fresh = await MemoryService.open({ storeDir: tempStoreDir(), modelDir: shippedDir, author: 'eval' });
    for (const note of notes) await fresh.remember({ text: note.note, id: note.id, kind: note.kind });
    const freshAnswers: string[] = [];
    for (const q of direct) freshAnswers.push((await fresh.ask({ question: q.question })).answer);
    await fresh.close();

    const progress: ProgressEvent[] = [];
    const after = await MemoryService.open({ storeDir, modelDir: shippedDir, author: 'eval' }, { progress: e => progress.push(e) });
    try {
      assert.notEqual(after.model.identity.sha256, before.model.identity.sha256);
      assert.notEqual(after.model.identity.id, before.model.identity.id);
      assert.equal((await MemoryStore.peek(storeDir)).header.model.id, after.model.identity.id);
      assert.equal(progress.filter(e => e.stage === 'upgrading').length, NOTES);
      const lines: string[] = [...after.initResponse().storeMessages];
      const outcomes: { note: string; cited: string | undefined; answer: string }[] = [];
      for (const [i, q] of direct.entries()) {
        const answer = await after.ask({ question: q.question });
        const recall = answerRecall(answer.answer, q.answer) ?? 0;
        const freshRecall = answerRecall(freshAnswers[i]!, q.answer) ?? 0;
        lines.push(
          `${q.note}: recall ${recall.toFixed(2)} (previous model ${recallBefore[i]!.toFixed(2)}, shipped model writing afresh ${freshRecall.toFixed(2)}), cited ${answer.citations[0]?.noteId}: ${JSON.stringify(answer.answer.slice(0, 80))}`,
        );
        outcomes.push({ note: q.note, cited: answer.citations[0]?.noteId, answer: answer.answer });
      }
      console.log(lines.join('\n'));
      // Every note is the one its direct question reads and cites first, and the upgraded store
      // answers exactly as the shipped model does when it writes the notes itself: nothing is lost.
      assert.deepEqual(
        outcomes.map(o => o.cited),
        direct.map(q => q.note),
        lines.join('\n'),
      );
      assert.deepEqual(
        outcomes.map(o => o.answer),
        freshAnswers,
        lines.join('\n'),
      );
    } finally {
      await after.close();
    }
  },
);
