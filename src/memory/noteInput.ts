// Validation and normalisation of a note's text before anything else sees it: refuses what is
// not a note (empty, binary, too large unless chunking is on) with a message that says why, and
// normalises the rest (NFC, line endings, lone surrogates, stray control characters). Notes that
// read like instructions to an AI are flagged and kept as plain data: nothing ever executes them.

export interface NoteInputOptions {
  /** Largest note in UTF-8 bytes. Default 4096. */
  readonly maxBytes?: number;
  /** What to do with a larger note: refuse it (default) or split it into several notes. */
  readonly oversize?: 'refuse' | 'chunk';
  /** Lines longer than this get a warning. Default 1000 characters. */
  readonly longLineChars?: number;
}

export type NoteRefusal = 'not-text' | 'empty' | 'binary' | 'too-large';

export type NoteFlag =
  | { readonly kind: 'prompt-injection'; readonly phrase: string }
  | { readonly kind: 'special-token-text'; readonly token: string }
  | { readonly kind: 'bidi-control'; readonly count: number };

export type NoteInputResult =
  | {
      readonly kind: 'accepted';
      /** The normalised text (the first chunk's text when chunked). */
      readonly text: string;
      /** One entry unless the note was split; each is a note of its own. */
      readonly chunks: readonly string[];
      /** Sentences for the user: what was changed or noticed. */
      readonly warnings: readonly string[];
      readonly flags: readonly NoteFlag[];
    }
  | { readonly kind: 'refused'; readonly reason: NoteRefusal; readonly message: string };

export class NoteInputError extends Error {
  readonly code = 'note-invalid';
  constructor(
    readonly reason: NoteRefusal,
    message: string,
  ) {
    super(message);
    this.name = 'NoteInputError';
  }
}

export const DEFAULT_MAX_NOTE_BYTES = 4096;

const ANSI_ESCAPE = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)/g;
/** C0 controls other than tab, newline, carriage return; DEL; C1 controls. */
const CONTROL = /[\u0001-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;
const BIDI_CONTROL = /[\u202a-\u202e\u2066-\u2069]/g;
const SPECIAL_TOKEN_TEXT = /<\|[A-Za-z0-9_]{1,32}\|>/g;
/** Invisible format characters and whitespace: a note of only these is empty. */
const INVISIBLE = /[\s\p{Cf}]/gu;

const INJECTION_PATTERNS: readonly RegExp[] = [
  /\b(?:ignore|disregard|forget|override)\s+(?:all\s+|any\s+|the\s+)?(?:of\s+)?(?:your\s+|the\s+)?(?:previous|prior|above|earlier|preceding|system|original)\s+(?:instructions?|prompts?|rules?|messages?|directions?)/i,
  /\bignore\s+(?:all\s+)?(?:your|these|those)\s+(?:instructions?|rules?)/i,
  /\byou\s+are\s+now\s+(?:a|an|in|the|my)\b/i,
  /\b(?:reveal|print|show|output|repeat)\s+(?:me\s+)?(?:your|the)\s+(?:system\s+prompt|hidden\s+\w+|instructions)/i,
  /\b(?:new|updated)\s+(?:system\s+)?instructions?\s*:/i,
  /\bdo\s+not\s+(?:tell|inform|alert)\s+the\s+user\b/i,
  /<\/?(?:system|assistant|user)>|\[\/?INST\]|<<\/?SYS>>/i,
  /^\s*(?:system|assistant)\s*:/im,
  /\b(?:jailbreak|DAN\s+mode)\b/i,
];

/** Checks and normalises a note's text. Never throws; see `requireNoteText` for the throwing form. */
export function prepareNoteText(input: unknown, options: NoteInputOptions = {}): NoteInputResult {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_NOTE_BYTES;
  const warnings: string[] = [];
  if (typeof input !== 'string') {
    return refuse('not-text', `A note must be text, not ${input === null ? 'null' : typeof input}.`);
  }
  const nul = input.indexOf('\u0000');
  if (nul !== -1) {
    return refuse('binary', `The note contains a NUL character at position ${nul + 1}: it looks like binary data, not text. Nothing was stored.`);
  }

  let text = input;
  const surrogates = countLoneSurrogates(text);
  if (surrogates > 0) {
    text = replaceLoneSurrogates(text);
    warnings.push(`${surrogates} broken Unicode character(s) (lone surrogates) were replaced by U+FFFD.`);
  }
  const ansi = text.match(ANSI_ESCAPE)?.length ?? 0;
  if (ansi > 0) {
    text = text.replace(ANSI_ESCAPE, '');
    warnings.push(`${ansi} terminal colour/escape sequence(s) were removed.`);
  }
  const controls = text.match(CONTROL)?.length ?? 0;
  if (controls > Math.max(2, text.length * 0.01)) {
    return refuse('binary', `The note contains ${controls} control characters: it looks like binary data, not text. Nothing was stored.`);
  }
  if (controls > 0) {
    text = text.replace(CONTROL, '');
    warnings.push(`${controls} invisible control character(s) were removed.`);
  }
  const replacement = text.match(/\ufffd/g)?.length ?? 0;
  if (replacement >= 4 && replacement > text.length * 0.1) {
    return refuse('binary', `${replacement} of the note's ${text.length} characters are U+FFFD: it looks like binary data read as text. Nothing was stored.`);
  }

  text = normaliseWhitespace(text.normalize('NFC'));
  if (text.replace(INVISIBLE, '') === '') {
    return refuse('empty', 'The note is empty (only whitespace or invisible characters). Type the fact to remember.');
  }

  const flags = findFlags(text);
  for (const flag of flags) warnings.push(describeFlag(flag));
  const longLineChars = options.longLineChars ?? 1000;
  const longest = Math.max(...text.split('\n').map((line) => line.length));
  if (longest > longLineChars) {
    warnings.push(`A line of the note is ${longest.toLocaleString('en-US')} characters long; very long lines (minified code?) teach the model little.`);
  }

  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes <= maxBytes) return { kind: 'accepted', text, chunks: [text], warnings, flags };
  const size = `The note is ${bytes.toLocaleString('en-US')} bytes; a note can be at most ${maxBytes.toLocaleString('en-US')} bytes (longer notes take too long to write and spread thin over the memory slots).`;
  if (options.oversize !== 'chunk') return refuse('too-large', `${size} Shorten it or split it into several notes. Nothing was stored.`);
  const chunks = chunkText(text, maxBytes);
  warnings.push(`${size} It was split into ${chunks.length} notes at paragraph and sentence boundaries.`);
  return { kind: 'accepted', text: chunks[0]!, chunks, warnings, flags };
}

/** Like prepareNoteText, but throws NoteInputError when the note is refused. */
export function requireNoteText(input: unknown, options: NoteInputOptions = {}): Extract<NoteInputResult, { kind: 'accepted' }> {
  const result = prepareNoteText(input, options);
  if (result.kind === 'refused') throw new NoteInputError(result.reason, result.message);
  return result;
}

/** Splits text into pieces of at most `maxBytes` UTF-8 bytes: paragraphs, then lines, sentences, words, characters. */
export function chunkText(text: string, maxBytes: number): string[] {
  const separators = [/\n\s*\n/, /\n/, /(?<=[.!?。！？])\s+/, /\s+/];
  const pieces = splitToFit(text, maxBytes, separators);
  const chunks: string[] = [];
  let current = '';
  for (const piece of pieces) {
    const joined = current ? `${current}\n${piece}` : piece;
    if (Buffer.byteLength(joined, 'utf8') <= maxBytes) current = joined;
    else {
      if (current) chunks.push(current);
      current = piece;
    }
  }
  if (current) chunks.push(current);
  return chunks;
}

function splitToFit(text: string, maxBytes: number, separators: readonly RegExp[]): string[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  if (Buffer.byteLength(trimmed, 'utf8') <= maxBytes) return [trimmed];
  const [separator, ...rest] = separators;
  if (!separator) return splitByBytes(trimmed, maxBytes);
  const parts = trimmed.split(separator);
  if (parts.length === 1) return splitToFit(trimmed, maxBytes, rest);
  return parts.flatMap((part) => splitToFit(part, maxBytes, rest));
}

/** Last resort for a single huge word: cut between code points. */
function splitByBytes(text: string, maxBytes: number): string[] {
  const out: string[] = [];
  let current = '';
  let currentBytes = 0;
  for (const ch of text) {
    const size = Buffer.byteLength(ch, 'utf8');
    if (currentBytes + size > maxBytes) {
      out.push(current);
      current = '';
      currentBytes = 0;
    }
    current += ch;
    currentBytes += size;
  }
  if (current) out.push(current);
  return out;
}

function normaliseWhitespace(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.replace(/[ \t\u00a0\u3000]+$/u, ''))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function findFlags(text: string): NoteFlag[] {
  const flags: NoteFlag[] = [];
  for (const pattern of INJECTION_PATTERNS) {
    const match = pattern.exec(text);
    if (match) flags.push({ kind: 'prompt-injection', phrase: match[0].trim().slice(0, 60) });
  }
  for (const token of new Set(text.match(SPECIAL_TOKEN_TEXT) ?? [])) flags.push({ kind: 'special-token-text', token });
  const bidi = text.match(BIDI_CONTROL)?.length ?? 0;
  if (bidi > 0) flags.push({ kind: 'bidi-control', count: bidi });
  return flags;
}

function describeFlag(flag: NoteFlag): string {
  switch (flag.kind) {
    case 'prompt-injection':
      return `The note reads like an instruction to an AI ("${flag.phrase}"). It is stored as data only: mnemo never follows instructions found in notes.`;
    case 'special-token-text':
      return `The note contains the text ${flag.token}; it is stored as ordinary characters, never as a control token.`;
    case 'bidi-control':
      return `The note contains ${flag.count} bidirectional control character(s), which can make text display differently from how it reads; they are kept as data.`;
  }
}

function countLoneSurrogates(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
      else count++;
    } else if (code >= 0xdc00 && code <= 0xdfff) count++;
  }
  return count;
}

function replaceLoneSurrogates(text: string): string {
  return text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

function refuse(reason: NoteRefusal, message: string): NoteInputResult {
  return { kind: 'refused', reason, message };
}
