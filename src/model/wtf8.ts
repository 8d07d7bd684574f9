// WTF-8: UTF-8 extended so that lone UTF-16 surrogates survive a round trip.
//
// JS strings may hold unpaired surrogates (half of an emoji cut by a slice, for example).
// TextEncoder replaces them with U+FFFD, which would break decode(encode(s)) === s. WTF-8
// writes a lone surrogate as the three bytes UTF-8 would use for its code point (ED A0..BF xx)
// and decodes those bytes back to the same code unit. Paired surrogates become the usual
// four-byte sequence, so for well-formed text WTF-8 is plain UTF-8.
//
// Byte strings here are "binary strings": one char per byte, char code 0..255. They key the
// BPE rank table directly and are cheap to slice.

import { TextDecoder } from 'node:util';

const utf8Decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/** Encodes a JS string (lone surrogates included) as a WTF-8 binary string. */
export function wtf8BinaryString(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) {
      out += text[i];
    } else if (unit < 0x800) {
      out += String.fromCharCode(0xc0 | (unit >> 6), 0x80 | (unit & 0x3f));
    } else if (unit >= 0xd800 && unit <= 0xdbff && isLowSurrogate(text.charCodeAt(i + 1))) {
      const codePoint = 0x10000 + ((unit - 0xd800) << 10) + (text.charCodeAt(i + 1) - 0xdc00);
      i++;
      out += String.fromCharCode(
        0xf0 | (codePoint >> 18),
        0x80 | ((codePoint >> 12) & 0x3f),
        0x80 | ((codePoint >> 6) & 0x3f),
        0x80 | (codePoint & 0x3f),
      );
    } else {
      // Ordinary three-byte characters and lone surrogates share this form.
      out += String.fromCharCode(0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f));
    }
  }
  return out;
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}

/** Whether bytes[i..i+3) encode a surrogate code point (ED A0..BF 80..BF). */
function isSurrogateSequence(bytes: Uint8Array, i: number, end: number): boolean {
  return (
    i + 2 < end && bytes[i] === 0xed && bytes[i + 1]! >= 0xa0 && bytes[i + 1]! <= 0xbf && bytes[i + 2]! >= 0x80 && bytes[i + 2]! <= 0xbf
  );
}

/**
 * Decodes WTF-8 bytes to a JS string. Surrogate sequences become their code units; every other
 * stretch goes through the standard UTF-8 decoder, so invalid bytes become U+FFFD as usual.
 */
export function wtf8Decode(bytes: Uint8Array, start = 0, end = bytes.length): string {
  let out = '';
  let segmentStart = start;
  for (let i = start; i < end; i++) {
    if (bytes[i] !== 0xed || !isSurrogateSequence(bytes, i, end)) continue;
    if (i > segmentStart) out += utf8Decoder.decode(bytes.subarray(segmentStart, i));
    out += String.fromCharCode(0xd000 | ((bytes[i + 1]! & 0x3f) << 6) | (bytes[i + 2]! & 0x3f));
    i += 2;
    segmentStart = i + 1;
  }
  if (end > segmentStart) out += utf8Decoder.decode(bytes.subarray(segmentStart, end));
  return out;
}

/** Length of the sequence a lead byte starts, or 0 for a continuation or invalid byte. */
function sequenceLength(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

/** Whether `second` may follow `lead` in a valid (WTF-8) sequence. */
function isValidSecondByte(lead: number, second: number): boolean {
  if (lead === 0xe0) return second >= 0xa0 && second <= 0xbf;
  if (lead === 0xf0) return second >= 0x90 && second <= 0xbf;
  if (lead === 0xf4) return second >= 0x80 && second <= 0x8f;
  return second >= 0x80 && second <= 0xbf;
}

/**
 * How many leading bytes of bytes[0..end) can be decoded now without changing the result once
 * more bytes arrive: everything except a trailing, still-valid, incomplete sequence.
 */
export function completePrefixLength(bytes: Uint8Array, end = bytes.length): number {
  for (let p = end - 1; p >= 0 && p >= end - 3; p--) {
    const byte = bytes[p]!;
    if (byte >= 0x80 && byte <= 0xbf) continue; // continuation: keep looking for its lead
    const need = sequenceLength(byte);
    if (need <= end - p) return end; // complete, ASCII, or an invalid lead: nothing pending
    if (p + 1 < end && !isValidSecondByte(byte, bytes[p + 1]!)) return end;
    return p;
  }
  return end;
}
