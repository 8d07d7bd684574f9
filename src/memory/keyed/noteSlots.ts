// The keyed note memory: slots each note owns, read at the model's output (added to the last
// block's output before the final norm). Two keys address it:
//
// - the note's word bag (wordBag.ts) gates the note: a softmax over every note's bag cosine with
//   the text so far, beside a sink at `gateThreshold`, and exactly 0 below `gateFloor`, so text
//   that matches no note closely reads nothing and most code keeps the base model's predictions;
// - within a gated note, a slot's state key (the final state where the note's own answer is
//   recited, centred and unit length) picks the slot by a sharp softmax over the note's slots.
//
// Values start at zero and only the writer (slotWriter.ts) fits them, on the note's own rows. No
// two notes share a slot, so forgetting a note is removing its entry: nothing else changes.
// Why this design, measured against the memory layer and the note memory: src/memory/README.md,
// "A keyed note memory".

import type { NoteId } from '../note';
import { bm25TermScore } from './bm25';
import { bagCosine, inverseDocumentFrequency, WordBag, WordFrequencies } from './wordBag';

/** What the text being read is: a chat exchange or code (a completion, held-out code). */
export type ReadPurpose = 'chat' | 'code';

/** How notes are gated and read; the chat* fields apply to the `chat` purpose only. */
export interface NoteSlotSettings {
  /** Sharpness of the note gate's softmax over bag cosines. */
  readonly gateSharpness: number;
  /** The sink's cosine: a note must match better than this to take most of the gate. */
  readonly gateThreshold: number;
  /** Below this cosine a note's gate is exactly 0. */
  readonly gateFloor: number;
  /** The same two for a chat question, which always asks about something: a note it matches less
   *  well may still answer it, where code must match a note closely before it reads anything. */
  readonly chatGateThreshold: number;
  readonly chatGateFloor: number;
  /** Sharpness of the softmax over a note's slots by state-key cosine. */
  readonly slotSharpness: number;
  /** A chat question's cosine to a note is multiplied by (note bag norm / chatReferenceNorm)^(1 -
   *  chatNormPower): a note with much rare text is divided by less than its whole norm, so a
   *  paraphrase that shares a few of its words still finds it. 1 = plain cosine. */
  readonly chatNormPower: number;
  readonly chatReferenceNorm: number;
  /** A chat answer's read is multiplied by this when decoding (not when writing): the values then
   *  outweigh the question's own state, so a question worded unlike the note's questions still
   *  starts the recital (like a kNN-LM's interpolation weight). Completions and held-out code read
   *  at 1. */
  readonly chatReadScale: number;
  /** For a chat question, each gated note's score loses chatBm25Weight x (1 - its BM25 over the
   *  notes / the best gated note's): notes ranked by how many of the question's rarer-among-notes
   *  words they have, as the `prompt` baseline's BM25 ranks them. It only lowers scores, so no
   *  question reads a note it would not read without it. 0 = off. */
  readonly chatBm25Weight: number;
  /** A chat answer's logits gain chatCopyBias x gate on the tokens of each note it read
   *  (noteVocabulary.ts); completions and code get none. 0 = off. */
  readonly chatCopyBias: number;
  /** A chat answer's position adds this to the slot score (sharpness x cosine) of the slot after
   *  the one each note's read favoured at the position before: a recital goes through a note in
   *  order. 0 = off. */
  readonly chatFollowBonus: number;
  /** A chat answer's logits gain chatPointerBias x (the note's read on it) on the token the slot its
   *  read favours was fitted to predict. 0 = off. */
  readonly chatPointerBias: number;
}

/** Defaults measured on the public set (src/memory/README.md, "A keyed note memory"). */
export const defaultNoteSlotSettings: NoteSlotSettings = {
  gateSharpness: 20,
  gateThreshold: 0.2,
  gateFloor: 0.12,
  chatGateThreshold: 0.1,
  chatGateFloor: 0.05,
  slotSharpness: 15,
  chatNormPower: 0.75,
  chatReferenceNorm: 25,
  chatReadScale: 3,
  chatBm25Weight: 0.3,
  chatCopyBias: 3,
  chatFollowBonus: 6,
  chatPointerBias: 4,
};

/** One note's slots: (count, C) unit state keys and (count, C) values, row-major. */
export interface NoteSlots {
  readonly id: NoteId;
  readonly bag: WordBag;
  /** The bag's length before it was scaled to 1 (wordBag.ts noteBag). */
  readonly bagNorm: number;
  readonly count: number;
  readonly keys: Float32Array;
  readonly values: Float32Array;
}

/** What one position read: a slot of a note, with its weight (gate times slot softmax). */
export interface SlotRead {
  readonly note: NoteId;
  readonly slot: number;
  readonly weight: number;
}

export interface SlotReadout {
  /** (C): what the memory adds to the last block's output. */
  readonly output: Float32Array;
  readonly reads: readonly SlotRead[];
  /** Each gated note's share of the position (notes with gate 0 are left out). */
  readonly gates: ReadonlyMap<NoteId, number>;
  /** Each read note's slot with the largest share (what the next position follows). */
  readonly favoured: ReadonlyMap<NoteId, number>;
}

/** What the state keys are made from: the model's final norm and the background's mean state. */
export interface StateKeyBasis {
  readonly finalNormWeight: Float32Array;
  readonly normEps: number;
  readonly stateCentre: Float32Array;
}

/** Reads below this share of a note's slots are dropped (they change nothing measurable). */
const SLOT_READ_FLOOR = 1e-3;
/** Gates below this are not read at all. */
const GATE_READ_FLOOR = 1e-4;

export class NoteSlotMemory {
  private readonly notes = new Map<NoteId, NoteSlots>();
  /** How many notes' bags have each word, and all bags' sizes summed: BM25 over the notes. */
  private readonly noteFrequency = new Map<string, number>();
  private totalWords = 0;
  /** Each note's (bag norm / chatReferenceNorm)^(1 - chatNormPower), found when it is set. */
  private readonly chatLengthFactor = new Map<NoteId, number>();
  readonly width: number;

  constructor(
    readonly words: WordFrequencies,
    readonly basis: StateKeyBasis,
    readonly settings: NoteSlotSettings = defaultNoteSlotSettings,
  ) {
    this.width = basis.stateCentre.length;
    if (basis.finalNormWeight.length !== this.width)
      throw new Error(`state key basis: norm weight of ${basis.finalNormWeight.length}, centre of ${this.width}`);
  }

  get size(): number {
    return this.notes.size;
  }

  has(id: NoteId): boolean {
    return this.notes.has(id);
  }

  get(id: NoteId): NoteSlots | undefined {
    return this.notes.get(id);
  }

  ids(): NoteId[] {
    return [...this.notes.keys()];
  }

  set(slots: NoteSlots): void {
    if (slots.keys.length !== slots.count * this.width || slots.values.length !== slots.count * this.width) {
      throw new Error(`note ${slots.id}: ${slots.count} slots need ${slots.count * this.width} key and value entries`);
    }
    this.delete(slots.id);
    this.notes.set(slots.id, slots);
    this.countWords(slots.bag, 1);
    this.chatLengthFactor.set(slots.id, (slots.bagNorm / this.settings.chatReferenceNorm) ** (1 - this.settings.chatNormPower));
  }

  delete(id: NoteId): boolean {
    const note = this.notes.get(id);
    if (note) this.countWords(note.bag, -1);
    this.chatLengthFactor.delete(id);
    return this.notes.delete(id);
  }

  private countWords(bag: WordBag, sign: 1 | -1): void {
    for (const word of bag.keys()) {
      const count = (this.noteFrequency.get(word) ?? 0) + sign;
      if (count > 0) this.noteFrequency.set(word, count);
      else this.noteFrequency.delete(word);
    }
    this.totalWords += sign * bag.size;
  }

  /** Each listed note's BM25 (its bag's words counted once each, df over the notes) over the best's. */
  private bm25Shares(bag: WordBag, ids: readonly NoteId[]): Map<NoteId, number> {
    const n = this.notes.size;
    const averageLength = this.totalWords / n || 1;
    const scores = ids.map(id => {
      const note = this.notes.get(id)!;
      let score = 0;
      for (const word of bag.keys())
        if (note.bag.has(word)) score += bm25TermScore(1, this.noteFrequency.get(word) ?? 0, n, note.bag.size / averageLength);
      return score;
    });
    const best = Math.max(0, ...scores);
    return new Map(ids.map((id, i) => [id, best > 0 ? scores[i]! / best : 1]));
  }

  /** The state key of a final state (row `row` of `states`): final-normed, centred, unit length. */
  stateKey(states: Float32Array, row = 0): Float32Array {
    const C = this.width;
    const { finalNormWeight, normEps, stateCentre } = this.basis;
    let meanSquare = 0;
    for (let c = 0; c < C; c++) meanSquare += states[row * C + c]! ** 2;
    const scale = 1 / Math.sqrt(meanSquare / C + normEps);
    const key = new Float32Array(C);
    let squares = 0;
    for (let c = 0; c < C; c++) {
      key[c] = states[row * C + c]! * scale * finalNormWeight[c]! - stateCentre[c]!;
      squares += key[c]! ** 2;
    }
    const norm = Math.sqrt(squares) || 1;
    for (let c = 0; c < C; c++) key[c] = key[c]! / norm;
    return key;
  }

  /** Each note's gate for a text whose bag is `bag`; notes under the floor are left out. `adjust`
   *  adds to a note's score (semanticGateDiag.ts (git history, scripts/experiments/; docs/decisions) tries a state similarity). */
  gates(bag: WordBag, purpose: ReadPurpose = 'code', adjust?: (id: NoteId) => number): Map<NoteId, number> {
    const { gateSharpness } = this.settings;
    const { threshold, floor, bm25Weight } = this.gateOf(purpose);
    const lengthFactor = purpose === 'chat' ? this.chatLengthFactor : null;
    const scores = [...this.notes.values()].map(note => ({
      id: note.id,
      score: bagCosine(bag, note.bag) * (lengthFactor?.get(note.id) ?? 1) + (adjust?.(note.id) ?? 0),
    }));
    if (bm25Weight > 0) {
      const shares = this.bm25Shares(
        bag,
        scores.filter(s => s.score >= floor).map(s => s.id),
      );
      for (const s of scores) {
        const share = shares.get(s.id);
        if (share !== undefined) s.score -= bm25Weight * (1 - share);
      }
    }
    let max = threshold;
    for (const { score } of scores) max = Math.max(max, score);
    let total = Math.exp(gateSharpness * (threshold - max));
    for (const { score } of scores) total += Math.exp(gateSharpness * (score - max));
    const gates = new Map<NoteId, number>();
    for (const { id, score } of scores) if (score >= floor) gates.set(id, Math.exp(gateSharpness * (score - max)) / total);
    return gates;
  }

  /** The corpus idfs of the words both `bag` and note `id`'s bag have, summed (0 when none or no
   *  such note): how much of what a question names is specific to the note (answerSupport.ts). A
   *  word no background document has counts as Infinity, so a small background (a test model's)
   *  still tells a note's own names from its common words. */
  sharedIdfMass(bag: WordBag, id: NoteId): number {
    const note = this.notes.get(id);
    const unseen = Math.log(this.words.documents + 1);
    let mass = 0;
    if (note)
      for (const word of bag.keys()) {
        if (!note.bag.has(word)) continue;
        const idf = inverseDocumentFrequency(this.words, word);
        mass += idf >= unseen ? Infinity : idf;
      }
    return mass;
  }

  /** What a read's output is multiplied by when decoding text of this purpose (chatReadScale). */
  readScale(purpose: ReadPurpose): number {
    return purpose === 'chat' ? this.settings.chatReadScale : 1;
  }

  /** The bonus per unit of gate on a read note's tokens when decoding text of this purpose (chatCopyBias). */
  copyBias(purpose: ReadPurpose): number {
    return purpose === 'chat' ? this.settings.chatCopyBias : 0;
  }

  pointerBias(purpose: ReadPurpose): number {
    return purpose === 'chat' ? this.settings.chatPointerBias : 0;
  }

  /** The gate's sink, floor and BM25 weight for a purpose: a chat question, or code. */
  private gateOf(purpose: ReadPurpose): { threshold: number; floor: number; bm25Weight: number } {
    const s = this.settings;
    return purpose === 'chat'
      ? { threshold: s.chatGateThreshold, floor: s.chatGateFloor, bm25Weight: s.chatBm25Weight }
      : { threshold: s.gateThreshold, floor: s.gateFloor, bm25Weight: 0 };
  }

  /** What a position whose text so far has `bag` and whose final state is row `row` of `states`
   *  reads. At an answer's first position (`answerStart`) each gated note reads its first slot:
   *  every question/answer form the writer trains answers with the whole note, so an answer starts
   *  where the note starts, however the question is worded (a state key there can match a slot in
   *  the middle of the note, and the recital then starts mid-sentence). */
  read(
    bag: WordBag,
    states: Float32Array,
    row = 0,
    purpose: ReadPurpose = 'code',
    answerStart = false,
    follow?: ReadonlyMap<NoteId, number>,
  ): SlotReadout {
    const C = this.width;
    const output = new Float32Array(C);
    const reads: SlotRead[] = [];
    const favoured = new Map<NoteId, number>();
    const gates = this.gates(bag, purpose);
    const bonus = purpose === 'chat' ? this.settings.chatFollowBonus : 0;
    let key: Float32Array | null = null;
    for (const [id, gate] of gates) {
      if (gate < GATE_READ_FLOOR) continue;
      const note = this.notes.get(id)!;
      const previous = follow?.get(id);
      const next = bonus > 0 && previous !== undefined ? previous + 1 : -1;
      const shares = answerStart
        ? firstSlot(note)
        : slotShares(note, (key ??= this.stateKey(states, row)), this.settings.slotSharpness, next, bonus);
      let most = 0;
      for (let slot = 0; slot < note.count; slot++) {
        if (shares[slot]! > shares[most]!) most = slot;
        if (shares[slot]! < SLOT_READ_FLOOR) continue;
        const weight = gate * shares[slot]!;
        reads.push({ note: id, slot, weight });
        for (let c = 0; c < C; c++) output[c] += weight * note.values[slot * C + c]!;
      }
      favoured.set(id, most);
    }
    return { output, reads, gates, favoured };
  }
}

/** All of a note's read on its first slot. */
function firstSlot(note: NoteSlots): Float64Array {
  const shares = new Float64Array(note.count);
  shares[0] = 1;
  return shares;
}

/** Softmax over a note's slots of sharpness * (key . slot key), plus `bonus` on slot `next`. */
function slotShares(note: NoteSlots, key: Float32Array, sharpness: number, next = -1, bonus = 0): Float64Array {
  const C = key.length;
  const scores = new Float64Array(note.count);
  let max = -Infinity;
  for (let slot = 0; slot < note.count; slot++) {
    let dot = 0;
    for (let c = 0; c < C; c++) dot += key[c]! * note.keys[slot * C + c]!;
    scores[slot] = sharpness * dot + (slot === next ? bonus : 0);
    max = Math.max(max, scores[slot]!);
  }
  let total = 0;
  for (let slot = 0; slot < note.count; slot++) total += scores[slot] = Math.exp(scores[slot]! - max);
  for (let slot = 0; slot < note.count; slot++) scores[slot] = scores[slot]! / total;
  return scores;
}

/** The output of a fixed set of reads with the values as they are now (the writer's inner loop). */
export function outputOfReads(memory: NoteSlotMemory, reads: readonly SlotRead[]): Float32Array {
  const C = memory.width;
  const output = new Float32Array(C);
  for (const { note, slot, weight } of reads) {
    const values = memory.get(note)?.values;
    if (!values) continue;
    for (let c = 0; c < C; c++) output[c] += weight * values[slot * C + c]!;
  }
  return output;
}
