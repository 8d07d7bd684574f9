import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NoteId } from '../memory/note';
import { provenanceText } from './ghost-provenance';

const fromNote = { noteId: 'n12' as NoteId, span: 'formatCents', score: 1.2 };

test('ghost provenance: named only when the shown text came from a note', () => {
  assert.equal(provenanceText({ source: 'note', fromNote }), '$(note) mnemo: from note n12: formatCents');
  // A copied span that was not shown (the model's or the file's text was) names nothing.
  assert.equal(provenanceText({ source: 'file', fromNote }), undefined);
  assert.equal(provenanceText({ source: null, fromNote }), undefined);
  assert.equal(provenanceText({ source: 'model', fromNote: null }), undefined);
  const long = provenanceText({ source: 'note', fromNote: { ...fromNote, span: 'x'.repeat(60) } })!;
  assert.ok(long.endsWith('…') && long.length < 80);
});
