// mnemo's tokenizer: byte-level BPE over cl100k_base's first 16,384 ranks, plus the special
// tokens of specialTokens.ts at ids 16,384..16,447.
//
// Text is split into pieces by cl100k's pattern, each piece is written as WTF-8 bytes (so lone
// surrogates round-trip), and the bytes are merged by rank the way tiktoken does: repeatedly join
// the adjacent pair whose concatenation has the lowest rank. Ranks 0..255 are the single bytes, so
// every byte string has an encoding and decode(encode(s)) === s for every JS string.
// The rank table is read from native/tokenizer/ (see tokenizerRanksFile.ts); gpt-tokenizer is
// needed only to regenerate that file.

import { readFileSync } from 'node:fs';
import { BPE_RANK_COUNT, SpecialToken, VOCAB_SIZE, isSpecialToken, specialTokenIdByText, specialTokenText } from './specialTokens';
import { RanksFile, defaultRanksFilePath } from './tokenizerRanksFile';
import { completePrefixLength, wtf8BinaryString, wtf8Decode } from './wtf8';

/**
 * Names this tokenizer (rank table, split pattern, special ids, WTF-8 handling). Checkpoint
 * manifests record it; bump the version whenever any of those change.
 */
export const TOKENIZER_ID = 'cl100k-16384+mnemo64-v1';

export interface EncodeOptions {
  /**
   * Turn literal special-token text ("<|note|>", "<|endoftext|>", "<|reserved_7|>") into special
   * ids. Off by default so user text can never inject markers.
   */
  readonly allowSpecial?: boolean;
}

/** Incremental decoder for streaming: tokens in, text out as soon as characters are complete. */
export interface StreamDecoder {
  /** Adds one token and returns the text that became complete (possibly ''). */
  push(id: number): string;
  /** Returns whatever is still held (an incomplete character decodes to U+FFFD) and resets. */
  flush(): string;
}

/** Pieces longer than this (in bytes) are merged in chunks, keeping merging linear-ish. */
const MAX_PIECE_BYTES = 2_048;
/** Cache of piece -> tokens; cleared when full (results do not depend on it). */
const PIECE_CACHE_LIMIT = 200_000;

export class Tokenizer {
  readonly id = TOKENIZER_ID;
  readonly vocabSize = VOCAB_SIZE;

  /** Rank by WTF-8 binary string. */
  private readonly rankByBytes: Map<string, number>;
  /** Bytes of each rank. */
  private readonly bytesByRank: Uint8Array[];
  /** Text of each rank whose bytes are complete, valid UTF-8 (most of them); else undefined. */
  private readonly textByRank: (string | undefined)[];
  private readonly splitPattern: RegExp;
  private readonly specialPattern: RegExp;
  private readonly specialIdByText: ReadonlyMap<string, number>;
  private readonly pieceCache = new Map<string, readonly number[]>();

  constructor(ranksFile: RanksFile) {
    if (ranksFile.format !== 'mnemo-bpe-ranks-v1') throw new Error(`unknown rank file format ${ranksFile.format}`);
    if (ranksFile.ranks.length !== BPE_RANK_COUNT) {
      throw new Error(`rank table has ${ranksFile.ranks.length} ranks, expected ${BPE_RANK_COUNT}`);
    }
    this.rankByBytes = new Map();
    this.bytesByRank = [];
    this.textByRank = [];
    // Decode base64 by hand from one buffer: a Buffer per rank dominated load time.
    const all = Buffer.from(ranksFile.ranks.join(''), 'latin1');
    let offset = 0;
    ranksFile.ranks.forEach((base64, rank) => {
      const bytes = new Uint8Array(decodeBase64(all, offset, base64.length));
      offset += base64.length;
      const binary = String.fromCharCode(...bytes);
      this.bytesByRank.push(bytes);
      this.textByRank.push(validUtf8Text(bytes));
      this.rankByBytes.set(binary, rank);
    });
    for (let byte = 0; byte < 256; byte++) {
      if (!this.rankByBytes.has(String.fromCharCode(byte))) throw new Error(`byte ${byte} has no rank`);
    }
    this.splitPattern = new RegExp(ranksFile.splitPattern, ranksFile.splitFlags);
    this.specialIdByText = specialTokenIdByText();
    const alternatives = [...this.specialIdByText.keys()].map(text => text.replace(/[|]/g, '\\|'));
    this.specialPattern = new RegExp(alternatives.join('|'), 'g');
  }

  /** Token ids for `text`. Special-token text stays ordinary text unless allowSpecial is set. */
  encode(text: string, options: EncodeOptions = {}): number[] {
    const out: number[] = [];
    if (!options.allowSpecial) {
      this.encodeOrdinary(text, out);
      return out;
    }
    let start = 0;
    for (const match of text.matchAll(this.specialPattern)) {
      this.encodeOrdinary(text.slice(start, match.index), out);
      out.push(this.specialIdByText.get(match[0])!);
      start = match.index! + match[0].length;
    }
    this.encodeOrdinary(text.slice(start), out);
    return out;
  }

  /** Same as encode, packed as the 16-bit ids the corpus files and the model use. */
  encodeToUint16(text: string, options: EncodeOptions = {}): Uint16Array {
    return Uint16Array.from(this.encode(text, options));
  }

  /**
   * Text for token ids. Special ids print as their literal text. Byte tokens are joined before
   * decoding, so characters split across tokens come out whole; bytes that do not form a
   * character (only possible for ids not made by encode) become U+FFFD.
   */
  decode(ids: ArrayLike<number>): string {
    // Join the bytes of each run of byte tokens and decode each run once (special ids end a run),
    // which gives the same text as the stream decoder, faster.
    let byteCount = 0;
    for (let i = 0; i < ids.length; i++) byteCount += this.bytesByRank[ids[i]!]?.length ?? 0;
    const bytes = new Uint8Array(byteCount);
    let out = '';
    let runStart = 0;
    let length = 0;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (isSpecialToken(id)) {
        out += wtf8Decode(bytes, runStart, length) + specialTokenText(id)!;
        runStart = length;
        continue;
      }
      const tokenBytes = this.bytesByRank[id];
      if (tokenBytes === undefined) throw new Error(`token id ${id} is outside the vocabulary (0..${VOCAB_SIZE - 1})`);
      bytes.set(tokenBytes, length);
      length += tokenBytes.length;
    }
    return out + wtf8Decode(bytes, runStart, length);
  }

  /** A fresh incremental decoder; its output concatenated equals decode() of the same ids. */
  createStreamDecoder(): StreamDecoder {
    let pending = new Uint8Array(64);
    let pendingLength = 0;
    const bytesByRank = this.bytesByRank;
    const textByRank = this.textByRank;
    const takePending = (final: boolean): string => {
      const ready = final ? pendingLength : completePrefixLength(pending, pendingLength);
      if (ready === 0) return '';
      const text = wtf8Decode(pending, 0, ready);
      pending.copyWithin(0, ready, pendingLength);
      pendingLength -= ready;
      return text;
    };
    return {
      push(id: number): string {
        if (isSpecialToken(id)) return takePending(true) + specialTokenText(id)!;
        // Fast path: nothing held and the token is whole characters on its own.
        if (pendingLength === 0 && textByRank[id] !== undefined) return textByRank[id]!;
        const bytes = bytesByRank[id];
        if (bytes === undefined) throw new Error(`token id ${id} is outside the vocabulary (0..${VOCAB_SIZE - 1})`);
        if (pendingLength + bytes.length > pending.length) {
          const grown = new Uint8Array(Math.max(pending.length * 2, pendingLength + bytes.length));
          grown.set(pending.subarray(0, pendingLength));
          pending = grown;
        }
        pending.set(bytes, pendingLength);
        pendingLength += bytes.length;
        return takePending(false);
      },
      flush(): string {
        return takePending(true);
      },
    };
  }

  /** Bytes of one non-special token (for inspection and tests). */
  tokenBytes(id: number): Uint8Array {
    const bytes = this.bytesByRank[id];
    if (bytes === undefined) throw new Error(`token ${id} has no bytes`);
    return bytes;
  }

  private encodeOrdinary(text: string, out: number[]): void {
    let expectedIndex = 0;
    for (const match of text.matchAll(this.splitPattern)) {
      // The split pattern covers every character; a gap would mean a broken pattern file.
      if (match.index !== expectedIndex) throw new Error(`split pattern skipped text at ${expectedIndex}`);
      const piece = match[0];
      expectedIndex += piece.length;
      this.encodePiece(piece, out);
    }
    if (expectedIndex !== text.length) throw new Error(`split pattern skipped text at ${expectedIndex}`);
  }

  private encodePiece(piece: string, out: number[]): void {
    const whole = this.rankByBytes.get(piece);
    // A hit on the raw piece is only valid if the piece is ASCII (then its binary string is itself).
    if (whole !== undefined && isAscii(piece)) {
      out.push(whole);
      return;
    }
    let tokens = this.pieceCache.get(piece);
    if (tokens === undefined) {
      tokens = this.mergePiece(wtf8BinaryString(piece));
      if (this.pieceCache.size >= PIECE_CACHE_LIMIT) this.pieceCache.clear();
      this.pieceCache.set(piece, tokens);
    }
    for (const token of tokens) out.push(token);
  }

  private mergePiece(bytes: string): number[] {
    const whole = this.rankByBytes.get(bytes);
    if (whole !== undefined) return [whole];
    if (bytes.length <= MAX_PIECE_BYTES) return this.bytePairMerge(bytes);
    const out: number[] = [];
    for (let start = 0; start < bytes.length; start += MAX_PIECE_BYTES) {
      out.push(...this.bytePairMerge(bytes.slice(start, start + MAX_PIECE_BYTES)));
    }
    return out;
  }

  /** tiktoken's merge: join the lowest-ranked adjacent pair until no pair has a rank. */
  private bytePairMerge(bytes: string): number[] {
    const rankOf = (start: number, end: number): number => this.rankByBytes.get(bytes.slice(start, end)) ?? Infinity;
    // starts[i] is where part i begins; pairRanks[i] ranks parts i and i+1 joined.
    const starts: number[] = [];
    const pairRanks: number[] = [];
    for (let i = 0; i < bytes.length; i++) starts.push(i);
    starts.push(bytes.length);
    for (let i = 0; i + 1 < bytes.length; i++) pairRanks.push(rankOf(i, i + 2));
    while (pairRanks.length > 0) {
      let best = Infinity;
      let bestIndex = -1;
      for (let i = 0; i < pairRanks.length; i++) {
        if (pairRanks[i]! < best) {
          best = pairRanks[i]!;
          bestIndex = i;
        }
      }
      if (bestIndex < 0) break;
      starts.splice(bestIndex + 1, 1);
      pairRanks.splice(bestIndex, 1);
      if (bestIndex < pairRanks.length) pairRanks[bestIndex] = rankOf(starts[bestIndex]!, starts[bestIndex + 2]!);
      if (bestIndex > 0) pairRanks[bestIndex - 1] = rankOf(starts[bestIndex - 1]!, starts[bestIndex + 1]!);
    }
    const out: number[] = [];
    for (let i = 0; i + 1 < starts.length; i++) out.push(this.rankByBytes.get(bytes.slice(starts[i], starts[i + 1]))!);
    return out;
  }
}

const BASE64_VALUES = (() => {
  const table = new Int16Array(256).fill(-1);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  for (let i = 0; i < alphabet.length; i++) table[alphabet.charCodeAt(i)] = i;
  return table;
})();

/** Decodes `length` base64 characters of `source` starting at `start` (padding allowed). */
function decodeBase64(source: Uint8Array, start: number, length: number): number[] {
  const out: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (let i = start; i < start + length; i++) {
    const value = BASE64_VALUES[source[i]!]!;
    if (value < 0) continue; // '=' padding
    buffer = (buffer << 6) | value;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push((buffer >> bits) & 0xff);
    }
  }
  return out;
}

/** The token's text if its bytes are complete, valid UTF-8 on their own (no surrogates); else undefined. */
function validUtf8Text(bytes: Uint8Array): string | undefined {
  let ascii = true;
  for (const byte of bytes) if (byte >= 0x80) ascii = false;
  if (ascii) return String.fromCharCode(...bytes);
  const text = wtf8Decode(bytes);
  // Valid exactly when no replacement character or surrogate came out and re-encoding gives the same bytes.
  if (/[\uFFFD\uD800-\uDFFF]/.test(text)) return undefined;
  return wtf8BinaryString(text) === String.fromCharCode(...bytes) ? text : undefined;
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= 0x80) return false;
  return true;
}

/** Parses a rank file's text (native/tokenizer/cl100k-16384.json). */
export function tokenizerFromRanksText(text: string): Tokenizer {
  return new Tokenizer(JSON.parse(text) as RanksFile);
}

let shared: Tokenizer | undefined;

/**
 * The tokenizer built from the shipped rank table (found above this file, see
 * tokenizerRanksFile.ts), loaded once per process; or from another rank file when a path is given.
 */
export function loadTokenizer(ranksFilePath?: string): Tokenizer {
  if (ranksFilePath !== undefined) return tokenizerFromRanksText(readFileSync(ranksFilePath, 'utf8'));
  shared ??= tokenizerFromRanksText(readFileSync(defaultRanksFilePath(), 'utf8'));
  return shared;
}

export { SpecialToken };
