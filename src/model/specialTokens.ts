// mnemo's special tokens: ids 16384 and up, after the 16,384 byte-level BPE ranks.
//
// They are never produced from ordinary text: encoding "<|note|>" as text gives the ordinary
// tokens for those characters. Only code that builds token arrays on purpose (the chat format,
// the corpus builder) places them. The block is padded with reserved ids to 64 so the vocabulary
// (16,448 = 257 * 64) stays a multiple of 64 and new markers can be added without resizing the
// embedding: adding one means renaming a reserved entry and bumping TOKENIZER_ID.

/** Number of byte-level BPE ranks kept from cl100k_base (ranks 0..16383). */
export const BPE_RANK_COUNT = 16_384;

/** Size of the special-token block, reserved entries included. */
export const SPECIAL_TOKEN_BLOCK = 64;

/** Vocabulary size the model's embedding and output layer must have. */
export const VOCAB_SIZE = BPE_RANK_COUNT + SPECIAL_TOKEN_BLOCK;

/** The named special tokens and their ids. See src/model/README.md for how each is used. */
export const SpecialToken = {
  /** Ends every document and every chat exchange; generation stops here. */
  endOfText: 16_384,
  /** Starts a remembered note placed in the context (note-conditioned answers). */
  note: 16_385,
  /** Starts the user's question. */
  question: 16_386,
  /** Starts the model's answer; generation begins right after it. */
  answer: 16_387,
  /** Starts a file: followed by its path, a newline, then its contents. Also the completion prompt. */
  file: 16_388,
  /** Fills unused batch positions; never trained on. */
  pad: 16_389,
} as const;

export type SpecialTokenName = keyof typeof SpecialToken;

/** The literal text of each named special token (what decode prints for it). */
export const SPECIAL_TOKEN_TEXT: Readonly<Record<SpecialTokenName, string>> = {
  endOfText: '<|endoftext|>',
  note: '<|note|>',
  question: '<|question|>',
  answer: '<|answer|>',
  file: '<|file|>',
  pad: '<|pad|>',
};

/** Text for any id in the special block; reserved ids print as <|reserved_N|>. */
export function specialTokenText(id: number): string | undefined {
  if (id < BPE_RANK_COUNT || id >= VOCAB_SIZE || !Number.isInteger(id)) return undefined;
  for (const name of Object.keys(SpecialToken) as SpecialTokenName[]) {
    if (SpecialToken[name] === id) return SPECIAL_TOKEN_TEXT[name];
  }
  return `<|reserved_${id - BPE_RANK_COUNT}|>`;
}

/** Whether an id is in the special block (named or reserved). */
export function isSpecialToken(id: number): boolean {
  return id >= BPE_RANK_COUNT && id < VOCAB_SIZE;
}

/** Lookup from literal text to id, for the explicit allowSpecial encode path. */
export function specialTokenIdByText(): ReadonlyMap<string, number> {
  const map = new Map<string, number>();
  for (let id = BPE_RANK_COUNT; id < VOCAB_SIZE; id++) map.set(specialTokenText(id)!, id);
  return map;
}
