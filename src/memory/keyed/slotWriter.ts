// The keyed note memory's write (noteSlots.ts): a note gets its own slots and a few gradient steps
// fit their values, nothing else moves.
//
//   augment -> the note and question/answer forms (the answer is the note itself)
//   -> final states of each sequence (the model below the memory is frozen: computed once)
//   -> slots: one per answer position of the first question/answer form, keyed by its state there
//   -> rows: every loss position that reads the note, with the reads fixed (keys never train)
//   -> Adam on the note's values only, through the final norm and logits, until the loss is low
//
// Other notes' reads at those rows are a fixed offset, so a write never changes another note.

import type { LanguageModel } from '../../model/languageModel';
import type { Tokenizer } from '../../model/tokenizer';
import { augmentNote } from '../intake/augment';
import type { NoteId, NoteKind } from '../note';
import { NoteSlotMemory, NoteSlots, outputOfReads, SlotRead } from './noteSlots';
import { prefixBags } from './prefixWords';
import { encodeTrainingSequence, lossStart, SequenceForm, TrainingSequence } from '../intake/trainingSequence';
import { noteBag } from './wordBag';
import { CandidateVocabulary, candidateVocabulary, LossPositions } from '../intake/trainingBatch';

export interface SlotWriterSettings {
  /** Adam steps at most. */
  readonly steps: number;
  readonly learningRate: number;
  /** Stop once the mean loss over the note's rows is below this. */
  readonly lossTarget: number;
  /** Which augmented forms train the values (the answer of each is the whole note). */
  readonly forms: readonly SequenceForm[];
  /** Rows per step at most (the first sequences' positions are kept). */
  readonly maxRows: number;
  /** Every this many steps (the first included) the softmax runs over the whole vocabulary and adds
   *  each row's top predictions to the candidates the steps between normalise over. */
  readonly refreshEvery: number;
}

export const defaultSlotWriterSettings: SlotWriterSettings = {
  steps: 40,
  learningRate: 0.5,
  lossTarget: 0.05,
  forms: ['note', 'qa'],
  maxRows: 384,
  refreshEvery: 10,
};

/** Identifies the settings slots were fitted with: a slot file written otherwise is written again
 *  (values from other settings, or from an older writer, are not what these settings give). */
export function slotWriterFingerprint(settings: SlotWriterSettings): string {
  return `v3 steps ${settings.steps} lr ${settings.learningRate} target ${settings.lossTarget} forms ${settings.forms.join('+')} rows ${settings.maxRows} refresh ${settings.refreshEvery}`;
}

export interface SlotWriteInput {
  readonly id: NoteId;
  readonly text: string;
  readonly kind?: NoteKind;
}

export interface SlotWriteResult {
  readonly slots: NoteSlots;
  /** Mean loss over the note's rows at each step run. */
  readonly losses: readonly number[];
  readonly rows: number;
}

/** Rows are padded to a multiple of this (at most maxRows / 128 sizes). Each distinct (rows,
 *  candidates) shape is an onnxruntime session of its own, compiled on first use (100-300 ms) and
 *  kept (tens of MB each), so shapes come in a few coarse steps; padding every note to maxRows
 *  instead doubled the write of short notes (capacity run: p50 ~450 -> ~950 ms). */
const ROW_BUCKET = 128;
/** Candidate tokens are padded to a multiple of this (384 rows x 8 predictions fit in 1-3 of them). */
const CANDIDATE_BUCKET = 1024;
/** Top predictions per row added to the candidates at each full step. */
const PREDICTIONS = 8;
const ADAM = { beta1: 0.9, beta2: 0.999, eps: 1e-8 };

/** The training sequences of a note the writer fits, in order, and the one its slots are keyed on
 *  (the first exchange, whose answer is the note itself; else the first sequence). */
function writerSequences(
  note: Omit<SlotWriteInput, 'id'>,
  forms: readonly SequenceForm[],
): { sequences: TrainingSequence[]; canonical: number } {
  const wanted = new Set(forms);
  const sequences = augmentNote({ text: note.text, kind: note.kind }).filter(s => wanted.has(s.form));
  return {
    sequences,
    canonical: Math.max(
      0,
      sequences.findIndex(s => s.layout === 'exchange'),
    ),
  };
}

function encodeForWriter(tokenizer: Tokenizer, sequence: TrainingSequence, context: number) {
  const ids = encodeTrainingSequence(tokenizer, sequence).slice(0, context);
  return { sequence, ids, from: lossStart(tokenizer, sequence, ids) };
}

/** The token each of a note's slots was fitted to predict, in slot order (for the default forms:
 *  the note's own tokens, then the end marker); the same sequence `writeNoteSlots` keys slots on. */
export function slotTargets(
  tokenizer: Tokenizer,
  note: Omit<SlotWriteInput, 'id'>,
  context: number,
  forms: readonly SequenceForm[] = defaultSlotWriterSettings.forms,
): number[] {
  const { sequences, canonical } = writerSequences(note, forms);
  if (sequences.length === 0) return [];
  const { ids, from } = encodeForWriter(tokenizer, sequences[canonical]!, context);
  return ids.slice(from);
}

/** Writes `note` into `memory` (replacing slots it had) and returns what was fitted. */
export async function writeNoteSlots(
  model: LanguageModel,
  tokenizer: Tokenizer,
  memory: NoteSlotMemory,
  note: SlotWriteInput,
  settings: SlotWriterSettings = defaultSlotWriterSettings,
  signal?: AbortSignal,
): Promise<SlotWriteResult> {
  const C = memory.width;
  const context = model.config.contextLength;
  const { sequences, canonical: canonicalIndex } = writerSequences(note, settings.forms);
  const encoded = sequences.map(sequence => encodeForWriter(tokenizer, sequence, context));
  if (encoded.length === 0) throw new Error(`note ${note.id}: no training sequences of forms ${settings.forms.join(', ')}`);
  const canonical = encoded[canonicalIndex]!;
  // States only of the sequences the rows reach (maxRows is usually filled by the first few).
  const states = new Map<(typeof encoded)[number], Float32Array>();
  const statesOf = async (e: (typeof encoded)[number]) => {
    signal?.throwIfAborted();
    let x = states.get(e);
    if (!x) states.set(e, (x = (await model.finalStates(e.ids)).slice()));
    return x;
  };

  const canonicalStates = await statesOf(canonical);
  const positions = canonical.ids.length - canonical.from; // answer positions: from-1 .. length-2
  const keys = new Float32Array(positions * C);
  for (let p = 0; p < positions; p++) keys.set(memory.stateKey(canonicalStates, canonical.from - 1 + p), p * C);
  const slots: NoteSlots = {
    id: note.id,
    ...noteBag(memory.words, note.text),
    count: positions,
    keys,
    values: new Float32Array(positions * C),
  };
  const previous = memory.get(note.id);
  memory.set(slots);
  try {
    const rows: { state: Float32Array; target: number; own: SlotRead[]; others: Float32Array }[] = [];
    for (const e of encoded) {
      if (rows.length >= settings.maxRows) break;
      const bags = prefixBags(tokenizer, memory.words, e.ids);
      const x = await statesOf(e);
      for (let t = e.from - 1; t < e.ids.length - 1 && rows.length < settings.maxRows; t++) {
        const exchange = e.sequence.layout === 'exchange';
        const readout = memory.read(bags[t]!, x, t, exchange ? 'chat' : 'code', exchange && t === e.from - 1);
        const own = readout.reads.filter(r => r.note === note.id);
        if (own.length === 0) continue;
        const others = outputOfReads(
          memory,
          readout.reads.filter(r => r.note !== note.id),
        );
        rows.push({ state: x.slice(t * C, (t + 1) * C), target: e.ids[t + 1]!, own, others });
      }
    }
    const losses = await fitValues(model, slots, rows, settings, signal);
    return { slots, losses, rows: rows.length };
  } catch (error) {
    if (previous) memory.set(previous);
    else memory.delete(note.id);
    throw error;
  }
}

async function fitValues(
  model: LanguageModel,
  slots: NoteSlots,
  rows: readonly { state: Float32Array; target: number; own: readonly SlotRead[]; others: Float32Array }[],
  settings: SlotWriterSettings,
  signal?: AbortSignal,
): Promise<number[]> {
  if (rows.length === 0) return [];
  const C = slots.keys.length / slots.count;
  const M = Math.ceil(rows.length / ROW_BUCKET) * ROW_BUCKET;
  const states = new Float32Array(M * C);
  const targets = new BigInt64Array(M);
  const lossWeights = new Float32Array(M);
  rows.forEach((row, i) => {
    states.set(row.state, i * C);
    targets[i] = BigInt(row.target);
    lossWeights[i] = 1;
  });
  const { values } = slots;
  const first = new Float32Array(values.length);
  const second = new Float32Array(values.length);
  const losses: number[] = [];
  // Every refreshEvery steps (the first included) the softmax runs over all tokens and returns each
  // row's top predictions; the steps between run over the targets and every prediction seen so far.
  const lossAt: LossPositions = { count: M, positions: new BigInt64Array(M), targets, weights: lossWeights };
  let vocabulary: CandidateVocabulary | null = null;
  // A loss over the candidates alone leaves out every token they do not hold, so it can be under the
  // target while the note's rows still predict some other token: the write stops only on a loss over
  // the whole vocabulary, and a low candidate loss makes the next step a full one that checks it.
  let check = false;
  for (let step = 1; step <= settings.steps; step++) {
    signal?.throwIfAborted();
    const added = new Float32Array(M * C);
    rows.forEach((row, i) => {
      added.set(row.others, i * C);
      for (const { slot, weight } of row.own) for (let c = 0; c < C; c++) added[i * C + c] += weight * values[slot * C + c]!;
    });
    const full = check || (step - 1) % settings.refreshEvery === 0;
    const result = full
      ? await model.stateUpper({ states, added, targets, lossWeights }, M, { predictions: PREDICTIONS })
      : await model.stateUpper({ states, added, targets: vocabulary!.targets, lossWeights }, M, { candidates: vocabulary! });
    losses.push(result.loss);
    if (result.loss < settings.lossTarget) {
      if (full) break;
      check = true;
    } else check = false;
    if (result.predicted) vocabulary = candidateVocabulary(lossAt, result.predicted, vocabulary?.tokens ?? [], CANDIDATE_BUCKET);
    const gradient = new Float32Array(values.length);
    rows.forEach((row, i) => {
      for (const { slot, weight } of row.own)
        for (let c = 0; c < C; c++) gradient[slot * C + c] += weight * result.outputGradient[i * C + c]!;
    });
    const correction1 = 1 - ADAM.beta1 ** step;
    const correction2 = 1 - ADAM.beta2 ** step;
    for (let i = 0; i < values.length; i++) {
      const g = gradient[i]!;
      first[i] = ADAM.beta1 * first[i]! + (1 - ADAM.beta1) * g;
      second[i] = ADAM.beta2 * second[i]! + (1 - ADAM.beta2) * g * g;
      values[i] = values[i]! - (settings.learningRate * first[i]!) / correction1 / (Math.sqrt(second[i]! / correction2) + ADAM.eps);
    }
  }
  return losses;
}
