// Tests for the WTF-8 codec: plain UTF-8 for well-formed text, exact for lone surrogates.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { completePrefixLength, wtf8BinaryString, wtf8Decode } from './wtf8';

function bytesOf(binary: string): Uint8Array {
  return Uint8Array.from(binary, char => char.charCodeAt(0));
}

test('well-formed text encodes as UTF-8', () => {
  for (const text of ['', 'abc', 'é', '€', '日本語', '😀', 'a\u0000b', '\uFEFFbom']) {
    assert.deepEqual(bytesOf(wtf8BinaryString(text)), new Uint8Array(Buffer.from(text, 'utf8')));
  }
});

test('lone surrogates encode as three bytes and decode back', () => {
  assert.deepEqual([...bytesOf(wtf8BinaryString('\uD800'))], [0xed, 0xa0, 0x80]);
  assert.deepEqual([...bytesOf(wtf8BinaryString('\uDFFF'))], [0xed, 0xbf, 0xbf]);
  for (const text of ['\uD800', 'a\uDC00b', '\uDC00\uD800', '\uD83D', 'x\uD83Dy\uDE00', '😀\uD83D']) {
    assert.equal(wtf8Decode(bytesOf(wtf8BinaryString(text))), text);
  }
});

test('invalid bytes decode to U+FFFD like the standard decoder', () => {
  const invalid = new Uint8Array([0x61, 0xff, 0xc3, 0x62, 0xe2, 0x82]);
  assert.equal(wtf8Decode(invalid), new TextDecoder().decode(invalid));
});

test('completePrefixLength holds back only a valid incomplete tail', () => {
  const euro = [0xe2, 0x82, 0xac];
  assert.equal(completePrefixLength(new Uint8Array([0x61, ...euro])), 4);
  assert.equal(completePrefixLength(new Uint8Array([0x61, 0xe2, 0x82])), 1);
  assert.equal(completePrefixLength(new Uint8Array([0x61, 0xf0, 0x9f, 0x98])), 1);
  assert.equal(completePrefixLength(new Uint8Array([0x61, 0xe2, 0x41])), 3); // broken: nothing to wait for
  assert.equal(completePrefixLength(new Uint8Array([0x61, 0xed, 0xa0])), 1); // a surrogate may still complete
});
