import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateCodeFile, keystrokes, PREFIX_CHARS } from './typingSession';

test('the code file has exactly the asked number of lines and is the same for the same seed', () => {
  const file = generateCodeFile(2000, 7);
  assert.equal(file.split('\n').length, 2000);
  assert.equal(file, generateCodeFile(2000, 7));
  assert.notEqual(file, generateCodeFile(2000, 8));
});

test('keystrokes retype lines in the second half, one character at a time, within the provider window', () => {
  const file = generateCodeFile(2000, 7);
  const lines = file.split('\n');
  const strokes = keystrokes(file, 6, 6, 11);
  assert.equal(strokes.length, 6 * 7);
  for (const stroke of strokes) {
    assert.ok(stroke.line >= 1000);
    assert.ok(stroke.prefix.length <= PREFIX_CHARS);
    const typed = lines[stroke.line]!.slice(0, stroke.column);
    assert.ok(stroke.prefix.endsWith(`\n${typed}`), `the prefix ends with the typed part of line ${stroke.line}`);
  }
  // The first keystroke of a site is on the empty indented line; each next one adds a character.
  assert.equal(strokes[0]!.prefix.split('\n').at(-1)!.trim(), '');
  assert.equal(strokes[1]!.prefix.length, strokes[0]!.prefix.length + 1 - (strokes[0]!.prefix.length === PREFIX_CHARS ? 1 : 0));
});
