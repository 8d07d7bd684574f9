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

// Bounded repeats keep these linear on adversarial input (a megabyte of ESC ] with no terminator).
const ANSI_ESCAPE = /\u001b\[[0-9;?]{0,64}[ -/]{0,8}[@-~]|\u001b\][^\u0007\u001b]{0,4096}(?:\u0007|\u001b\\)/g;
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
  // [^\S\n]: whitespace within the line; \s* here rescanned every following blank line from each line start.
  /^[^\S\n]*(?:system|assistant)[^\S\n]*:/im,
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
    return refuse(
      'binary',
      `The note contains a NUL character at position ${nul + 1}: it looks like binary data, not text. Nothing was stored.`,
    );
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
    return refuse(
      'binary',
      `${replacement} of the note's ${text.length} characters are U+FFFD: it looks like binary data read as text. Nothing was stored.`,
    );
  }

  text = normaliseWhitespace(text.normalize('NFC'));
  if (text.replace(INVISIBLE, '') === '') {
    return refuse('empty', 'The note is empty (only whitespace or invisible characters). Type the fact to remember.');
  }

  const flags = findFlags(text);
  for (const flag of flags) warnings.push(describeFlag(flag));
  const longLineChars = options.longLineChars ?? 1000;
  const longest = longestLine(text);
  if (longest > longLineChars) {
    warnings.push(
      `A line of the note is ${longest.toLocaleString('en-US')} characters long; very long lines (minified code?) teach the model little.`,
    );
  }

  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes <= maxBytes) return { kind: 'accepted', text, chunks: [text], warnings, flags };
  const size = `The note is ${bytes.toLocaleString('en-US')} bytes; a note can be at most ${maxBytes.toLocaleString('en-US')} bytes (longer notes take too long to write and spread thin over the memory slots).`;
  if (options.oversize !== 'chunk') return refuse('too-large', `${size} Shorten it or split it into several notes. Nothing was stored.`);
  const chunks = chunkText(text, maxBytes);
  warnings.push(
    `${size} It was split into ${chunks.length} notes, cut at blank lines, line ends, sentence ends or spaces where it could be.`,
  );
  return { kind: 'accepted', text: chunks[0]!, chunks, warnings, flags };
}

/** Like prepareNoteText, but throws NoteInputError when the note is refused. */
export function requireNoteText(input: unknown, options: NoteInputOptions = {}): Extract<NoteInputResult, { kind: 'accepted' }> {
  const result = prepareNoteText(input, options);
  if (result.kind === 'refused') throw new NoteInputError(result.reason, result.message);
  return result;
}

/**
 * Splits text into pieces of at most `maxBytes` UTF-8 bytes, each cut at the best boundary in
 * reach: a blank line, else a line break, a sentence end, a space, and as a last resort between
 * code points. Pieces are the text's own substrings (trimmed), so nothing inside them changes.
 * Linear in the text's length: each step looks at one window of at most maxBytes bytes.
 */
export function chunkText(text: string, maxBytes: number): string[] {
  const chunks: string[] = [];
  let rest = text.trim();
  while (rest !== '') {
    const fits = prefixWithinBytes(rest, maxBytes);
    if (fits === rest.length) {
      chunks.push(rest);
      break;
    }
    const cut = bestCut(rest.slice(0, fits + 1)) ?? fits;
    chunks.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  return chunks.filter(chunk => chunk !== '');
}

/** Boundaries, best first: where a piece may end (the index just after the boundary's first character). */
const CUT_PATTERNS: readonly RegExp[] = [/\n[^\S\n]*\n/g, /\n/g, /[.!?。！？](?=\s)/g, /\s/g];

/**
 * Where to end the next piece in `window` (one character longer than what fits): at the last
 * boundary of the best kind that still fills at least half the window, else at the last boundary
 * of any kind (a short title before a long paragraph stays with it), else undefined.
 */
function bestCut(window: string): number | undefined {
  let latest: number | undefined;
  for (const pattern of CUT_PATTERNS) {
    let cut: number | undefined;
    pattern.lastIndex = 0;
    for (let match = pattern.exec(window); match; match = pattern.exec(window)) {
      const end = match.index + 1;
      if (end >= window.length) break;
      if (end > 1) cut = end;
    }
    if (cut !== undefined && cut >= window.length / 2) return cut;
    if (cut !== undefined) latest = Math.max(latest ?? 0, cut);
  }
  return latest;
}

/** Number of UTF-16 units of the longest prefix of `text` within `maxBytes` UTF-8 bytes, never splitting a pair. */
function prefixWithinBytes(text: string, maxBytes: number): number {
  let bytes = 0;
  let i = 0;
  while (i < text.length) {
    const code = text.codePointAt(i)!;
    const size = code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    if (bytes + size > maxBytes) break;
    bytes += size;
    i += code > 0xffff ? 2 : 1;
  }
  return i === 0 && text.length > 0 ? (text.codePointAt(0)! > 0xffff ? 2 : 1) : i;
}

function trimLineEnd(line: string): string {
  let end = line.length;
  while (end > 0 && ' \t\u00a0\u3000'.includes(line[end - 1]!)) end--;
  return line.slice(0, end);
}

function longestLine(text: string): number {
  let longest = 0;
  let start = 0;
  for (let i = text.indexOf('\n'); ; i = text.indexOf('\n', start)) {
    const end = i === -1 ? text.length : i;
    longest = Math.max(longest, end - start);
    if (i === -1) return longest;
    start = i + 1;
  }
}

function normaliseWhitespace(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map(trimLineEnd)
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
