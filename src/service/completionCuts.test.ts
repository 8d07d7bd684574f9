// Tests of the places a completion may be cut, their features, and the learned choice among them.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bestCut, completionCuts, cutChance, CutInput, defaultLearnedShowSettings, FILE_FEATURES, MODEL_FEATURES } from './completionCuts';
import { allAt, onlyProbability, typed } from './completionFixture';

/** `formatC` -> "ents(1);\nnext", token by token. */
const ENTS: CutInput = {
  ...typed(['ents', 0.9], ['(', 0.9], ['1', 0.4], [');', 0.9], ['\n', 0.9], ['next', 0.9]),
  prefix: 'const total = formatC',
};

test('completionCuts: one cut per token end on the first line, never inside a name, with one feature per name', () => {
  const cuts = completionCuts(ENTS);
  assert.deepEqual(
    cuts.map(c => c.text),
    ['ents', 'ents(', 'ents(1', 'ents(1);'],
  );
  for (const cut of cuts) assert.equal(cut.features.length, MODEL_FEATURES.length);
  const logProduct = MODEL_FEATURES.indexOf('logProduct');
  assert.ok(Math.abs(cuts[2]!.features[logProduct]! - Math.log(0.9 * 0.9 * 0.4)) < 1e-9);
  // A token ending inside a name is cut back to before it; a cut below the product floor is not offered.
  const inName = completionCuts({ ...typed(['a.', 0.9], ['cu', 0.9], ['rrency()', 0.01]), prefix: 'x = ' });
  assert.deepEqual(
    inName.map(c => c.text),
    ['a.'],
  );
  // The file's repeated line is cut after each of its tokens too, with features of its own.
  const withLine = completionCuts({ ...ENTS, repeated: { line: 'entsOf(total);', match: 30 } });
  const file = withLine.filter(c => c.source === 'file');
  assert.deepEqual(
    file.map(c => c.text),
    ['entsOf', 'entsOf(', 'entsOf(total', 'entsOf(total)', 'entsOf(total);'],
  );
  for (const cut of file) assert.equal(cut.features.length, FILE_FEATURES.length);
  // The model agrees with none of it ("ents(" is not "entsOf"): its agreement features say so.
  const agrees = FILE_FEATURES.indexOf('modelAgrees');
  assert.deepEqual(
    file.map(c => c.features[agrees]),
    [0, 0, 0, 0, 0],
  );
  const same = completionCuts({ ...ENTS, repeated: { line: 'ents(2);', match: 30 } }).filter(c => c.source === 'file');
  assert.deepEqual(
    same.map(c => c.features[agrees]),
    [1, 1, 0, 0, 0],
  );
});

test('bestCut: the cut of most expected worth, and nothing when no cut is sure enough', () => {
  // Sure of the whole first line: it is worth the most characters.
  const sure = allAt(ENTS, 0.99);
  assert.equal(bestCut(completionCuts(sure), onlyProbability(10, 0.5))?.cut.text, 'ents(1);');
  // Unsure from the "1" on: the sure start only.
  assert.equal(bestCut(completionCuts(ENTS), onlyProbability(10, 0.5))?.cut.text, 'ents(');
  // Nothing is sure enough: nothing shown.
  assert.equal(bestCut(completionCuts(ENTS), onlyProbability(1000, 0.99)), null);
  const unsure = allAt(ENTS, 0.3);
  assert.equal(bestCut(completionCuts(unsure), onlyProbability(10, 0.5)), null);
  // A long line the file typed before, matched on many characters, beats a short sure model cut.
  const line = { ...ENTS, repeated: { line: 'entsOfTheWholeOrder(order.lines, taxRate);', match: 60 } };
  const best = bestCut(completionCuts(line), onlyProbability(10, 0.7));
  assert.equal(best?.cut.source, 'file');
});

test('defaultLearnedShowSettings: the fitted chance rises with the model probability and with the matched length', () => {
  const sure = completionCuts(allAt(ENTS, 0.99));
  const unsure = completionCuts(allAt(ENTS, 0.5));
  assert.ok(cutChance(sure[0]!) > cutChance(unsure[0]!));
  const long = completionCuts({ ...ENTS, repeated: { line: 'entsOf(total);', match: 120 } }).find(c => c.source === 'file')!;
  const short = completionCuts({ ...ENTS, repeated: { line: 'entsOf(total);', match: 10 } }).find(c => c.source === 'file')!;
  assert.ok(cutChance(long) > cutChance(short));
  assert.equal(defaultLearnedShowSettings.model.length, MODEL_FEATURES.length);
  assert.equal(defaultLearnedShowSettings.file.length, FILE_FEATURES.length);
});
