// Keeps the keyed note memory (memory/noteSlots.ts) in step with the store: every live note has
// its slots, loaded from its slot file or written again when the file is missing or unusable, and
// nothing else does. One write at a time (a queue), in the order asked. Also makes the readout a
// chat answer decodes with (recording which notes it read, for citations) and a completion's span
// copy.

import type { NoteId, NoteRecord } from '../memory/note';
import { NoteSlotMemory } from '../memory/keyed/noteSlots';
import { deleteNoteSlots, loadNoteSlots, removeDeadSlotTempFiles, saveNoteSlots, SlotFileSource } from '../memory/keyed/slotFiles';
import {
  defaultSlotWriterSettings,
  slotTargets,
  slotWriterFingerprint,
  SlotWriterSettings,
  writeNoteSlots,
} from '../memory/keyed/slotWriter';
import { PrefixWords } from '../memory/keyed/prefixWords';
import { defaultSpanCopySettings, indexNoteSpans, NoteSpanIndex, SpanCopySettings, spanToCopy } from '../memory/copy/spanCopy';
import { addCopyBias, NoteVocabulary, noteVocabulary } from '../memory/keyed/noteVocabulary';
import { noteBag, wordBag } from '../memory/keyed/wordBag';
import type { LanguageModel } from '../model/languageModel';
import type { Tokenizer } from '../model/tokenizer';
import type { CopiedSpan } from './chatPath';

export interface SlotSyncReport {
  /** The notes written now, with the loss at each step of their write. */
  readonly written: ReadonlyMap<NoteId, { readonly losses: readonly number[]; readonly steps: number }>;
  /** Why files could not be used (a note id and the reason), for the log. */
  readonly rewritten: readonly { readonly id: NoteId; readonly problem: string }[];
  /** Temp files a crash mid-save left, removed now (noteSlotFiles.removeDeadSlotTempFiles). */
  readonly removedTempFiles: readonly string[];
}

export class NoteSlotKeeper {
  private queue: Promise<unknown> = Promise.resolve();
  /** Whether the first sync looked for temp files left by a crash (once per keeper is enough). */
  private tempFilesChecked = false;
  /** What every note the memory holds offers a completion to copy, found once per note. */
  private readonly spans = new Map<NoteId, NoteSpanIndex>();
  /** The tokens of every note the memory holds, for a chat answer's copy bias. */
  private readonly vocabularies = new Map<NoteId, NoteVocabulary>();
  /** Each note's slot targets (slotWriter.ts slotTargets), for the chat's pointer bias. */
  private readonly targets = new Map<NoteId, readonly number[]>();

  constructor(
    private readonly storeDir: string,
    private readonly modelSha: string,
    private readonly model: LanguageModel,
    private readonly tokenizer: Tokenizer,
    readonly memory: NoteSlotMemory,
    private readonly settings: SlotWriterSettings = defaultSlotWriterSettings,
    private readonly copySettings: SpanCopySettings = defaultSpanCopySettings,
  ) {}

  /** Drops the slots of notes that are no longer live (and their files), and gives every live note
   *  its slots: from its file when usable, else by writing it. (A file left by a crash between a
   *  forget and this sync is never read again: it names a note that is not live.) */
  sync(live: readonly NoteRecord[], onWrite?: (note: NoteRecord, index: number, of: number) => void): Promise<SlotSyncReport> {
    return this.serial(async () => {
      const removedTempFiles = this.tempFilesChecked ? [] : await removeDeadSlotTempFiles(this.storeDir);
      this.tempFilesChecked = true;
      const liveIds = new Set(live.map(n => n.id));
      for (const id of this.memory.ids()) {
        if (liveIds.has(id)) continue;
        this.memory.delete(id);
        this.spans.delete(id);
        this.vocabularies.delete(id);
        this.targets.delete(id);
        await deleteNoteSlots(this.storeDir, id);
      }
      const missing: NoteRecord[] = [];
      const rewritten: { id: NoteId; problem: string }[] = [];
      for (const note of live) {
        if (this.memory.has(note.id)) continue;
        const file = await loadNoteSlots(
          this.storeDir,
          { id: note.id, width: this.memory.width, ...this.sourceOf(note) },
          noteBag(this.memory.words, note.text),
        );
        if ('slots' in file) {
          this.memory.set(file.slots);
          this.indexText(note);
        } else {
          if (file.problem !== 'missing') rewritten.push({ id: note.id, problem: file.problem });
          missing.push(note);
        }
      }
      const written = new Map<NoteId, { losses: readonly number[]; steps: number }>();
      for (const [i, note] of missing.entries()) {
        onWrite?.(note, i, missing.length);
        const { slots, losses } = await writeNoteSlots(
          this.model,
          this.tokenizer,
          this.memory,
          { id: note.id, text: note.text, kind: note.kind },
          this.settings,
        );
        try {
          await saveNoteSlots(this.storeDir, slots, this.sourceOf(note));
        } catch (error) {
          this.memory.delete(note.id); // unsaved slots would never be saved: the next sync writes them again
          throw error;
        }
        this.indexText(note);
        written.set(note.id, { losses, steps: losses.length });
      }
      return { written, rewritten, removedTempFiles };
    });
  }

  /**
   * The readout for one chat answer: logits of the last position with what the memory read added
   * (null when it read nothing, so the model's own logits stand), crediting each read note's read
   * mass to `credit`. Code has none: it reaches a note through `copySpan` only.
   */
  chatReadout(credit: Map<NoteId, number>): (state: Float32Array, tokens: readonly number[]) => Promise<Float32Array | null> {
    // One request's sequence only grows, so its words are kept and each step adds its new tokens.
    let prefix = new PrefixWords(this.tokenizer, this.memory.words);
    // The first readout is the answer's first position (noteSlots.ts read, answerStart).
    let answerStart = true;
    // Each note's slot its read favoured at the position before (a recital goes on to the next).
    let follow: ReadonlyMap<NoteId, number> = new Map();
    return async (state, tokens) => {
      if (this.memory.size === 0) return null;
      if (tokens.length < prefix.length) prefix = new PrefixWords(this.tokenizer, this.memory.words);
      for (let i = prefix.length; i < tokens.length; i++) prefix.push(tokens[i]!);
      const read = this.memory.read(prefix.bag(), state, 0, 'chat', answerStart, follow);
      answerStart = false;
      follow = read.favoured;
      // Credit is read mass: each read slot's weight (gate x its share of the note's slots).
      for (const { note, weight } of read.reads) credit.set(note, (credit.get(note) ?? 0) + weight);
      if (read.reads.length === 0) return null;
      const scale = this.memory.readScale('chat');
      if (scale !== 1) for (let c = 0; c < read.output.length; c++) read.output[c] = read.output[c]! * scale;
      const logits = await this.model.logitsOfStates(state, read.output);
      addCopyBias(logits, read.gates, this.vocabularies, this.memory.copyBias('chat'));
      const pointer = this.memory.pointerBias('chat');
      if (pointer > 0)
        for (const [note, slot] of read.favoured) {
          const token = this.targets.get(note)?.[slot];
          const weight = read.reads.find(r => r.note === note && r.slot === slot)?.weight ?? 0;
          if (token !== undefined) logits[token] = logits[token]! + pointer * weight;
        }
      return logits;
    };
  }

  /** Each note's gate for a chat question, as the answer's first position reads them (notes under
   *  the chat floor left out): what memory/answerSupport.ts decides from. */
  questionGates(question: string): Map<NoteId, number> {
    return this.memory.size === 0 ? new Map() : this.memory.gates(wordBag(this.memory.words, question), 'chat');
  }

  /** The summed corpus idf of the words the question shares with note `id` (answerSupport.ts). */
  questionSharedIdfMass(question: string, id: NoteId): number {
    return this.memory.sharedIdfMass(wordBag(this.memory.words, question), id);
  }

  /** The note span a completion should type first (memory/spanCopy.ts), or null. A copy also needs
   *  its span's context to match, so it gates notes as loosely as a question does. */
  copySpan(gateText: string, prefix: string, filePath = ''): CopiedSpan | null {
    if (this.memory.size === 0) return null;
    const gates = this.memory.gates(wordBag(this.memory.words, gateText), 'chat');
    const notes = [...gates].flatMap(([id, gate]) => {
      const index = this.spans.get(id);
      return index === undefined ? [] : [{ index, gate }];
    });
    const span = spanToCopy(notes, prefix, this.memory.words, { settings: this.copySettings, fileName: filePath });
    return span && { note: span.note, text: span.text, score: span.score };
  }

  /** What a note's text offers the decoders: spans a completion may copy, tokens a chat answer favours. */
  private indexText(note: NoteRecord): void {
    this.spans.set(note.id, indexNoteSpans(note.id, note.text));
    this.vocabularies.set(note.id, noteVocabulary(this.tokenizer, note.text));
    this.targets.set(note.id, slotTargets(this.tokenizer, note, this.model.config.contextLength, this.settings.forms));
  }

  private sourceOf(note: NoteRecord): SlotFileSource {
    return { text: note.text, model: this.modelSha, writer: slotWriterFingerprint(this.settings) };
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
