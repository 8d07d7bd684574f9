// Tests for the tokenizer: exact round trip on any JS string, no special tokens from text,
// agreement with gpt-tokenizer's BPE on the same cut rank table, streaming decode.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { BytePairEncodingCore } from 'gpt-tokenizer/cjs/BytePairEncodingCore';
import { CL100K_TOKEN_SPLIT_REGEX } from 'gpt-tokenizer/cjs/encodingParams/constants';
import { seededRandom, SeededRandom } from './seededRandom';
import { BPE_RANK_COUNT, SpecialToken, VOCAB_SIZE } from './specialTokens';
import { TOKENIZER_ID, loadTokenizer } from './tokenizer';
import { defaultRanksFilePath } from './tokenizerRanksFile';

const tokenizer = loadTokenizer();

/** Random JS strings mixing ASCII, whitespace, NUL, accents, CJK, emoji and lone surrogates. */
function randomString(random: SeededRandom, maxLength: number): string {
  const length = random.int(maxLength + 1);
  let text = '';
  while (text.length < length) {
    const kind = random.int(10);
    if (kind < 3) text += String.fromCharCode(32 + random.int(95));
    else if (kind === 3) text += [' ', '  ', '\n', '\r\n', '\t', '\u0000', '\u00a0', '\u2028'][random.int(8)];
    else if (kind === 4) text += String.fromCharCode(0xa0 + random.int(0x300));
    else if (kind === 5) text += String.fromCharCode(0x4e00 + random.int(0x5000));
    else if (kind === 6) text += String.fromCodePoint(0x1f300 + random.int(0x300));
    else if (kind === 7)
      text += String.fromCharCode(0xd800 + random.int(0x800)); // lone or accidental pair
    else if (kind === 8) text += ['<|endoftext|>', '<|note|>', '<|', '|>', '\uFEFF'][random.int(5)];
    else text += String.fromCharCode(random.int(0x10000));
  }
  return text;
}

test('round trip is exact on chosen hard cases', () => {
  const cases = [
    '',
    'hello world',
    'const x = 1;\n\n\n  return x ?? y;\r\n',
    'Ünïcödé café naïve',
    '日本語のテキストと中文',
    '😀👍🏽👨‍👩‍👧 🇺🇸',
    '\uFEFFstarts with a byte order mark',
    '\uD800',
    '\uDFFF',
    'a\uD83Db',
    'a\uDE00b',
    '\uDE00\uD83D',
    '😀\uD83D',
    'nul\u0000byte\u0000\u0000',
    'x'.repeat(100_000),
    ' '.repeat(10_000) + 'end',
    '='.repeat(5_000),
    '1234567890'.repeat(500),
    '<|endoftext|><|note|><|question|><|answer|><|file|><|reserved_9|>',
  ];
  for (const text of cases) assert.equal(tokenizer.decode(tokenizer.encode(text)), text, JSON.stringify(text.slice(0, 40)));
});

test('round trip is exact on random strings with lone surrogates', () => {
  const random = seededRandom(4);
  for (let i = 0; i < 1_000; i++) {
    const text = randomString(random, i % 10 === 0 ? 2_000 : 60);
    const ids = tokenizer.encode(text);
    assert.equal(tokenizer.decode(ids), text);
    assert.equal(tokenizer.decode(tokenizer.encodeToUint16(text)), text);
  }
});

test('special tokens never come from text unless asked for', () => {
  const text = 'a<|endoftext|>b<|note|>c<|reserved_9|>';
  assert.ok(tokenizer.encode(text).every(id => id < BPE_RANK_COUNT));
  const withSpecials = tokenizer.encode(text, { allowSpecial: true });
  assert.deepEqual(
    withSpecials.filter(id => id >= BPE_RANK_COUNT),
    [SpecialToken.endOfText, SpecialToken.note, BPE_RANK_COUNT + 9],
  );
  assert.equal(tokenizer.decode(withSpecials), text);
});

test('ids stay inside the vocabulary and out-of-range ids are refused', () => {
  const random = seededRandom(5);
  for (let i = 0; i < 100; i++) {
    for (const id of tokenizer.encode(randomString(random, 200))) assert.ok(id >= 0 && id < BPE_RANK_COUNT);
  }
  assert.equal(tokenizer.vocabSize, VOCAB_SIZE);
  assert.equal(tokenizer.decode([SpecialToken.answer, BPE_RANK_COUNT + 40]), '<|answer|><|reserved_40|>');
  assert.throws(() => tokenizer.decode([VOCAB_SIZE]), /outside the vocabulary/);
});

test('encoding equals gpt-tokenizer BPE over the same 16,384 ranks on well-formed text', () => {
  const file = JSON.parse(readFileSync(defaultRanksFilePath(), 'utf8')) as { ranks: string[] };
  const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  const ranks = file.ranks.map(base64 => {
    const bytes = Buffer.from(base64, 'base64');
    try {
      return strict.decode(bytes);
    } catch {
      return [...bytes];
    }
  });
  const reference = new BytePairEncodingCore({ bytePairRankDecoder: ranks, tokenSplitRegex: CL100K_TOKEN_SPLIT_REGEX });
  const random = seededRandom(6);
  const samples = [readFileSync(__filename, 'utf8'), 'The quick brown fox — “quoted” 日本語 😀 emoji.'];
  // No surrogates (gpt-tokenizer cannot encode lone ones) and no U+FEFF: its UTF-8 decoder drops a
  // leading byte order mark, so it misses the rank of the piece "\uFEFF" and splits it in two.
  for (let i = 0; i < 300; i++) samples.push(randomString(random, 80).replace(/[\uD800-\uDFFF\uFEFF]/g, 'x'));
  for (const text of samples) assert.deepEqual(tokenizer.encode(text), reference.encodeNative(text));
});

test('stream decoding gives the same text as decode, even for arbitrary id sequences', () => {
  const random = seededRandom(7);
  for (let i = 0; i < 300; i++) {
    const ids =
      i % 2 === 0
        ? tokenizer.encode(randomString(random, 100))
        : Array.from({ length: random.int(40) }, () =>
            random.int(20) === 0 ? BPE_RANK_COUNT + random.int(64) : random.int(BPE_RANK_COUNT),
          );
    const stream = tokenizer.createStreamDecoder();
    let streamed = '';
    for (const id of ids) streamed += stream.push(id);
    streamed += stream.flush();
    assert.equal(streamed, tokenizer.decode(ids));
  }
});

test('stream decoding emits a split character only once it is complete', () => {
  // '😀' as single bytes: nothing until the fourth byte arrives.
  const byteIds = [...Buffer.from('😀', 'utf8')].map(byte => rankOfByte(byte));
  const stream = tokenizer.createStreamDecoder();
  assert.deepEqual(
    byteIds.map(id => stream.push(id)),
    ['', '', '', '😀'],
  );
  assert.equal(stream.flush(), '');
});

function rankOfByte(byte: number): number {
  for (let id = 0; id < 256; id++) {
    const bytes = tokenizer.tokenBytes(id);
    if (bytes.length === 1 && bytes[0] === byte) return id;
  }
  throw new Error(`no rank for byte ${byte}`);
}

test('the rank table is the one TOKENIZER_ID names', () => {
  // Changing the shipped ranks must come with a new TOKENIZER_ID (checkpoints record it).
  const sha256 = createHash('sha256').update(readFileSync(defaultRanksFilePath())).digest('hex');
  assert.equal(TOKENIZER_ID, 'cl100k-16384+mnemo64-v1');
  assert.equal(sha256, '3d6624195fb67d2a53b3f09c442f6bfb81ab92004f4e38d60850015d46b99d37');
});
