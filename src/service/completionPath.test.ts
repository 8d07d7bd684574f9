// Tests of the completion path's copy: a span the runner proposes is typed first, even where its
// tokens merge with the cursor's ("window." + "guardian..."), the model goes on to the end of its
// word (never gluing onto a whole copied name; filling a pattern's placeholder; a call's parenthesis
// after `await` and `new` or where the note says to call the name), and the output says what was copied; without a proposal the path is
// unchanged.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NoteId } from '../memory/note';
import { LanguageModel } from '../model/languageModel';
import { initParameters } from '../model/parameters';
import { loadTokenizer } from '../model/tokenizer';
import { completeCode } from './completionPath';
import { DecodingSession } from './decodingSession';
import { tinyServiceConfig } from './tinyModelFixture';

test('completionPath: a copied span starts the completion and is reported', async () => {
  const model = new LanguageModel(tinyServiceConfig, initParameters(tinyServiceConfig, 5));
  const tokenizer = loadTokenizer();
  const runner = { tokenizer, session: new DecodingSession(model), memoryVersion: 0 };
  const note = 'n1' as NoteId;
  const asked: string[][] = [];
  for (const [prefix, span] of [
    ['const load = (url) =>\n  window.', 'guardianPolyfilledImport'],
    ['[flake8]\nmax-line-length = ', '88'],
    ['x = foo', 'BarBaz'],
  ] as const) {
    const out = await completeCode(
      { ...runner, copySpan: (gateText, p) => (asked.push([gateText, p]), { note, text: span }) },
      { filePath: 'src/a.js', prefix, notes: [], maxTokens: 12 },
    );
    assert.ok(out.completion.startsWith(span), `${JSON.stringify(out.completion)} starts with ${span}`);
    assert.ok(!/\s/u.test(out.completion.slice(span.length)), `${JSON.stringify(out.completion)} ends with the copied word`);
    assert.equal(out.copied?.note, note);
    assert.equal(out.copied?.text, span);
    assert.ok(out.copied!.tokens >= 1);
    const next = out.completion.slice(span.length, span.length + 1);
    assert.ok(next === '' || !/[\p{L}\p{N}_]/u.test(next), `${JSON.stringify(out.completion)}: nothing glued onto the copied name`);
  }
  // A pattern's start: the model fills the placeholder with a name.
  const pattern = await completeCode(
    { ...runner, copySpan: () => ({ note, text: '/_healthcheck_' }) },
    { filePath: 'main.tf', prefix: 'path = "', notes: [], maxTokens: 6 },
  );
  assert.match(pattern.completion, /^\/_healthcheck_[\p{L}\p{N}_]/u);
  assert.deepEqual(asked[0], ['src/a.js\nconst load = (url) =>\n  window.', 'const load = (url) =>\n  window.']);

  const plain = await completeCode(
    { ...runner, copySpan: () => null },
    { filePath: 'src/a.js', prefix: 'x = foo', notes: [], maxTokens: 6 },
  );
  const without = await completeCode(runner, { filePath: 'src/a.js', prefix: 'x = foo', notes: [], maxTokens: 6 });
  assert.equal(plain.copied, null);
  assert.equal(plain.completion, without.completion);
  await model.dispose();
});
