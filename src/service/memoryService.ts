// The service's core, without threads: one memory store and the model that reads it. The worker
// wraps it in messages (worker.ts); tests and `mnemo eval` can call it directly. The model loads
// lazily, on the first request that needs it; the store opens at once, checked against the model's
// manifest. A store written with another model is re-learned with this one as it opens
// (storeUpgrade.ts): the only case where opening loads the weights.
//
// Rows: the live value table is the model's own (edited in place). Every change to it (a write, a
// forget, an import, another window's write, switching to the base rows for a baseline) bumps
// `memoryVersion`, which empties the KV caches that were filled under other rows.
//
// Notes are learned in the keyed note memory, which every model the service runs carries
// (modelDirectory.ts refuses one without it; noteSlotKeeper.ts): each live note's own slots, read
// at the output by the chat and completion paths in 'memory' mode, which cite the notes they read.

import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { NoteId, NoteKind, NoteRecord } from '../memory/note';
import { isNoteId, toNoteId } from '../memory/note';
import { NoteInputError, prepareNoteText } from '../memory/intake/noteInput';
import { ForgottenNote, MemoryStore, RowUpdate } from '../memory/store/memoryStore';
import { noteSlotFile } from '../memory/keyed/slotFiles';
import { writeFileAtomic } from '../memory/store/atomicFile';
import { checkSecrets, SecretFinding, SecretFoundError, SecretPolicy } from '../memory/intake/secrets';
import { NoteIdTakenError, NoteNotFoundError, NoteStateError } from '../memory/store/errors';
import { supersedeNote } from '../memory/rows/forget';
import { applyRowUpdates, valueTableOf } from '../memory/rows/valueTable';
import { MemoryWriter, rememberNote, WriteProgress } from '../memory/rows/rowWriter';
import type { ResearchSettings } from './researchSettings';
import { answerSupport, AnswerSupportSettings, defaultAnswerSupportSettings } from '../memory/keyed/answerSupport';
import { answerQuestion, DEFAULT_ANSWER_TOKENS, DecodingRunner } from './chatPath';
import { shareCitations } from './citations';
import { shownCompletion } from './completionConfidence';
import { completeCode } from './completionPath';
import { defaultSpanCopySettings } from '../memory/copy/spanCopy';
import { repeatedLineMatch } from './repeatedLine';
import { DecodingSession } from './decodingSession';
import { NoteSlotKeeper, SlotSyncReport } from './noteSlotKeeper';
import { openStore, relearnExport } from './storeUpgrade';
import { peekExport, sameModel } from '../memory/store/upgrade';
import { defaultSlotWriterSettings } from '../memory/keyed/slotWriter';
import { HeldOutSample, heldOutLoss } from '../model/heldOutLoss';
import { describeModel, LoadedModel, loadModel, ModelDescription } from './modelDirectory';
import { codeQuery, PromptNoteRanker } from './promptNotes';
import { noteSummary } from './noteSummary';
import type {
  AskChunk,
  AskRequest,
  AskResult,
  Citation,
  CompleteRequest,
  CompleteResponse,
  ExportRequest,
  ExportResponse,
  ForgetRequest,
  ForgetResponse,
  ImportRequest,
  ImportResponse,
  InitResponse,
  InspectRequest,
  InspectResponse,
  ListRequest,
  ListResponse,
  LogEvent,
  MemoryChangedEvent,
  MemoryMode,
  ProgressEvent,
  ProgressStage,
  RelatedNote,
  RememberRequest,
  RememberResponse,
  RestoreRequest,
  RestoreResponse,
  WorkerState,
} from './protocol';
import { watchStoreFiles } from './storeWatcher';
import { BadRequestError, summarizeFindings } from './workerErrors';

export interface MemoryServiceOptions {
  readonly storeDir: string;
  readonly modelDir: string;
  readonly recover?: boolean;
  /** Author recorded on notes; default the OS user name. */
  readonly author?: string;
  /** Default for notes with secrets; a request may override it. Default 'refuse'. */
  readonly secrets?: SecretPolicy;
  /** Default for notes over the size limit. Default 'refuse'. */
  readonly oversize?: 'refuse' | 'chunk';
  /** Tuning knobs for measurements (researchSettings.ts): only the eval and experiments pass them;
   *  without them every subsystem runs its defaults, which are what ships. */
  readonly research?: ResearchSettings;
  /** When the chat answers and when it says no note covers the question; answerSupport.ts's
   *  measured defaults otherwise. */
  readonly answerSupport?: Partial<AnswerSupportSettings>;
  readonly events?: ServiceEvents;
}

/** What the service reports without being asked. */
export interface ServiceEvents {
  progress?(event: ProgressEvent): void;
  memoryChanged?(event: MemoryChangedEvent): void;
  log?(event: LogEvent): void;
}

/** Per request: cancellation and progress. */
export interface OperationContext {
  readonly signal?: AbortSignal;
  progress?(event: Omit<ProgressEvent, 'requestId'>): void;
}

/** Completions look for other processes' writes at most this often. */
const SYNC_INTERVAL_MS = 2000;

export class MemoryService {
  private loaded: LoadedModel | null = null;
  private loading: Promise<LoadedModel> | null = null;
  private loadFailed = false;
  private writer: MemoryWriter | null = null;
  private slots: NoteSlotKeeper | null = null;
  private chatSession: DecodingSession | null = null;
  private completionSession: DecodingSession | null = null;
  private version = 0;
  private rankerAt = -1;
  private ranker: PromptNoteRanker | null = null;
  private readonly unsubscribe: () => void;
  /** Live note ids as this process last saw them (to name what another process changed). */
  private knownLive: Set<NoteId>;
  private lastSync = 0;
  /** The model an upgrade loaded to re-learn the store's notes, for ensureModel to adopt. */
  private preloaded: LoadedModel | null = null;
  /** What opening did beyond the store's own report (an upgrade to this model). */
  private readonly openMessages: string[] = [];
  /** Forgets this process can undo (until it ends: the window closes), by note id. */
  private readonly undoable = new Map<NoteId, { readonly forgotten: ForgottenNote; readonly slotFile?: Buffer }>();

  private constructor(
    readonly options: MemoryServiceOptions,
    readonly model: ModelDescription,
    readonly store: MemoryStore,
  ) {
    this.knownLive = new Set(store.liveNotes().map(n => n.id));
    const unsubscribe = store.onExternalChange(updates => this.applyExternal(updates));
    const unwatch = watchStoreFiles(store.paths.dir, () => void this.store.sync().catch(() => undefined));
    this.unsubscribe = () => {
      unwatch();
      unsubscribe();
    };
  }

  /**
   * Reads the model's manifest and opens (or creates) the store; does not load the weights, unless
   * another model wrote the store: then it loads this one and re-learns every live note (rows, then
   * the keyed note slots) before returning, with progress through `context` or the events.
   */
  static async open(options: MemoryServiceOptions, context: OperationContext = {}): Promise<MemoryService> {
    const model = describeModel(options.modelDir);
    const progress = (event: Omit<ProgressEvent, 'requestId'>) =>
      context.progress ? context.progress(event) : options.events?.progress?.(event);
    let writer: MemoryWriter | null = null;
    const opened = await openStore(
      options.storeDir,
      model,
      options.recover ?? false,
      {
        load: () => loadModel(model, { noteSlots: options.research?.noteSlots }),
        writer: loaded => (writer = new MemoryWriter(loaded.model, loaded.tokenizer, loaded.background)),
      },
      { signal: context.signal, progress },
    );
    const service = new MemoryService(options, model, opened.store);
    // Keep the model the upgrade loaded (even if another process finished the upgrade first).
    service.preloaded = opened.loaded;
    service.writer = writer;
    if (opened.upgrade) {
      const slotsStarted = performance.now();
      await service.ensureModel(context); // writes every note's keyed slots with this model
      const { upgrade } = opened;
      const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
      service.openMessages.push(
        `The notes were written with model "${upgrade.from.id}": ${upgrade.notes} live note(s) were re-learned with "${upgrade.to.id}" ` +
          `(${upgrade.learned} now${upgrade.resumed ? `, ${upgrade.notes - upgrade.learned} by an interrupted earlier run` : ''}) in ${seconds(upgrade.milliseconds)}, ` +
          `their memory slots in ${seconds(performance.now() - slotsStarted)}. Ids, dates, links and forgotten notes' tombstones are kept.`,
      );
      if (opened.redacted.length > 0) {
        service.openMessages.push(
          `Note(s) ${opened.redacted.join(', ')} hold what this version reads as a secret: their rows were learned with it redacted (their text is unchanged). ` +
            'Forget them, or supersede them with a redacted note (`mnemo remember --redact --supersedes ID`).',
        );
      }
    }
    return service;
  }

  initResponse(): InitResponse {
    return {
      model: this.model.identity,
      notes: this.store.liveNotes().length,
      storeMessages: [...this.store.loadReport.messages, ...this.openMessages],
    };
  }

  get state(): WorkerState {
    if (this.loadFailed) return 'failed';
    return this.loading && !this.loaded ? 'loading' : 'ready';
  }

  /** Version of the live memory rows; changes whenever a row does. */
  get memoryVersion(): number {
    return this.version;
  }

  /** The model, loading it on first use (with a progress event). */
  async ensureModel(context: OperationContext = {}): Promise<LoadedModel> {
    if (this.loaded) return this.loaded;
    if (!this.loading) {
      if (!this.preloaded) this.emitProgress(context, { stage: 'loading-model', message: `Loading the model from ${this.model.dir}` });
      this.loading = (async () => {
        await new Promise(resolve => setImmediate(resolve)); // let the progress event leave first
        const loaded = this.preloaded ?? loadModel(this.model, { noteSlots: this.options.research?.noteSlots });
        this.preloaded = null;
        const table = valueTableOf(loaded.model);
        table.data.set(loaded.baseValues); // a preloaded model's table holds an upgrade's staging rows
        applyRowUpdates(
          table,
          [...this.store.changedRows()].map(([slot, row]) => ({ slot, row })),
        );
        const settings = { ...defaultSlotWriterSettings, ...this.options.research?.slotWriter };
        this.slots = new NoteSlotKeeper(
          this.store.paths.dir,
          this.model.identity.sha256,
          loaded.model,
          loaded.tokenizer,
          loaded.noteSlots,
          settings,
          { ...defaultSpanCopySettings, ...this.options.research?.spanCopy },
        );
        await this.syncSlots(context);
        this.loaded = loaded;
        this.bump();
        return loaded;
      })();
      this.loading.catch(() => {
        this.loadFailed = true;
        this.loading = null;
      });
    }
    return this.loading;
  }

  // ---- memory ----

  async remember(request: RememberRequest, context: OperationContext = {}): Promise<RememberResponse> {
    const started = performance.now();
    this.emitProgress(context, { stage: 'checking', message: 'Checking the note' });
    const input = prepareNoteText(request.text, { oversize: request.oversize ?? this.options.oversize ?? 'refuse' });
    if (input.kind === 'refused') throw new NoteInputError(input.reason, input.message);
    const policy = request.secrets ?? this.options.secrets ?? 'refuse';
    const warnings = [...input.warnings];
    const redacted: SecretFinding[] = [];
    const texts = input.chunks.map(chunk => {
      const check = checkSecrets(chunk, policy);
      if (check.kind === 'refused') throw new SecretFoundError(check.findings);
      if (check.kind === 'redacted') {
        warnings.push(check.message);
        redacted.push(...check.findings);
      }
      return check.text;
    });
    const kind: NoteKind = request.kind ?? 'note';
    const ids = texts.map((_, i) => (request.id === undefined ? undefined : i === 0 ? request.id : `${request.id}-${i + 1}`));
    for (const id of ids) if (id !== undefined && this.store.getNote(toNoteId(id))) throw new NoteIdTakenError(id as NoteId);
    if (request.supersedes !== undefined) this.requireLive(request.supersedes, 'supersede');

    const loaded = await this.ensureModel(context);
    const writer = this.writerFor(loaded);
    const written: NoteRecord[] = [];
    const losses: number[] = [];
    let steps = 0;
    for (let i = 0; i < texts.length; i++) {
      context.signal?.throwIfAborted();
      const note = { id: ids[i], text: texts[i]!, kind, author: request.author ?? this.author() };
      const options = {
        signal: context.signal,
        onProgress: (p: WriteProgress) => this.emitProgress(context, writeProgress(p, i, texts.length)),
      };
      // The first part replaces the superseded note, in one store transaction with its write.
      const result =
        i === 0 && request.supersedes !== undefined
          ? (await supersedeNote(this.store, writer, request.supersedes, note, options)).written
          : await rememberNote(this.store, writer, note, options);
      this.bump();
      // The note is learned in its keyed slots: report that write's loss (none if the sync failed).
      const learned = (await this.syncSlots(context))?.written.get(result.note.id) ?? { losses: [], steps: 0 };
      written.push(result.note);
      if (i === 0) losses.push(learned.losses[0] ?? Number.NaN);
      losses.push(learned.losses[learned.losses.length - 1] ?? Number.NaN);
      steps += learned.steps;
    }
    const noteIds = written.map(n => n.id);
    this.emitChanged({ reason: request.supersedes !== undefined ? 'supersede' : 'remember', noteIds });
    return {
      notes: written.map(n => noteSummary(this.store.getNote(n.id) ?? n)),
      warnings,
      redacted: summarizeFindings(redacted),
      writeMs: performance.now() - started,
      loss: { before: losses[0]!, after: losses[losses.length - 1]!, steps },
    };
  }

  async forget(request: ForgetRequest): Promise<ForgetResponse> {
    // What an undo needs, kept in this process only (the text leaves the disk with the forget):
    // the note, its rows, and its slot file's bytes so the keyed memory comes back bit for bit.
    const kept = isNoteId(request.id) ? this.store.forgettable(request.id) : undefined;
    const slotFile = kept ? await fs.readFile(noteSlotFile(this.store.paths.dir, kept.note.id)).catch(() => undefined) : undefined;
    const outcome = await this.store.forget(request.id, { overlap: request.overlap ?? 'delta' });
    this.applyUpdates(outcome.updates);
    if (kept) this.undoable.set(outcome.noteId, { forgotten: kept, slotFile });
    await this.syncSlots();
    this.emitChanged({ reason: 'forget', noteIds: [outcome.noteId] });
    return {
      id: outcome.noteId,
      text: kept?.note.text ?? '',
      undoable: kept !== undefined,
      restored: { exact: outcome.exact.length, delta: outcome.delta.length, base: outcome.base.length },
    };
  }

  /** Undoes a forget this process made: the note is back with its id, text, slots and rows. */
  async restore(request: RestoreRequest): Promise<RestoreResponse> {
    const undo = this.undoable.get(request.id);
    if (!undo)
      throw new BadRequestError(`There is no forget of ${request.id} to undo in this window (an undo lasts until the window closes).`);
    const result = await this.store.restore(undo.forgotten);
    this.undoable.delete(request.id);
    this.applyUpdates(result.updates);
    if (undo.slotFile) await writeFileAtomic(noteSlotFile(this.store.paths.dir, result.note.id), undo.slotFile).catch(() => undefined);
    await this.syncSlots();
    this.emitChanged({ reason: 'remember', noteIds: [result.note.id] });
    return { note: noteSummary(result.note) };
  }

  async list(request: ListRequest): Promise<ListResponse> {
    await this.store.sync();
    const notes = request.all ? this.store.notes() : this.store.liveNotes();
    return { storeDir: this.store.paths.dir, model: this.model.identity, notes: notes.map(noteSummary) };
  }

  async exportTo(request: ExportRequest): Promise<ExportResponse> {
    const result = await this.store.exportTo(request.file);
    return { file: result.file, notes: result.notes, bytes: result.bytes, sha256: result.sha256 };
  }

  async importFrom(request: ImportRequest, context: OperationContext = {}): Promise<ImportResponse> {
    const upgraded = await this.upgradedExport(request.file, context);
    let result;
    try {
      result = await this.store.importFrom(upgraded?.file ?? request.file, { mode: request.mode });
    } finally {
      if (upgraded) await fs.rm(upgraded.workDir, { recursive: true, force: true });
    }
    this.applyUpdates(result.updates);
    await this.syncSlots(context);
    const imported = this.store
      .liveNotes()
      .slice(-result.imported)
      .map(n => n.id);
    this.emitChanged({ reason: 'import', noteIds: imported });
    return { mode: result.mode, imported: result.imported, renamed: result.renamed, skipped: result.skipped, backup: result.backup };
  }

  /**
   * An export written with another model, re-learned with this one into a file beside the store
   * (resumable: its staging store is kept until the import is done); null for an export of this
   * model or a file the import itself will report on.
   */
  private async upgradedExport(file: string, context: OperationContext): Promise<{ file: string; workDir: string } | null> {
    const bytes = await fs.readFile(file).catch(() => null);
    const source = bytes && peekExport(bytes, file);
    if (!source || sameModel(source.header, this.model.binding)) return null;
    const loaded = await this.ensureModel(context);
    const workDir = path.join(this.store.paths.dir, `import-staging-${source.fileSha256.slice(0, 16)}`);
    const table = valueTableOf(loaded.model);
    try {
      return { file: await relearnExport(source, loaded, this.writerFor(loaded), workDir, context), workDir };
    } finally {
      // Re-learning trained on the table from the base rows: give it back this store's rows.
      table.data.set(loaded.baseValues);
      applyRowUpdates(
        table,
        [...this.store.changedRows()].map(([slot, row]) => ({ slot, row })),
      );
      this.bump();
    }
  }

  async inspect(request: InspectRequest): Promise<InspectResponse> {
    await this.store.sync();
    const owners = this.store.slotOwners();
    if (request.what === 'slots') {
      const used = [...owners].sort((a, b) => a[0] - b[0]).map(([slot, notes]) => ({ slot, owners: notes }));
      return { what: 'slots', slotCount: this.model.binding.slotCount, used };
    }
    const note = this.store.getNote(request.id);
    if (!note) throw new NoteNotFoundError(request.id);
    // A forgotten or superseded note owns no slot any more: the inspector shows none for it.
    const slots = (note.state === 'live' ? note.slots : []).map(slot => ({
      slot,
      sharedWith: (owners.get(slot) ?? []).filter(id => id !== note.id),
    }));
    return { what: 'note', id: note.id, slots };
  }

  // ---- model ----

  async ask(request: AskRequest, context: OperationContext & { onChunk?: (chunk: AskChunk) => void } = {}): Promise<AskResult> {
    const loaded = await this.ensureModel(context);
    await this.store.sync();
    this.lastSync = Date.now();
    const mode = request.mode ?? 'memory';
    // The keyed note memory decides from its own read whether it has anything to answer with; if
    // not, the base model's text is never shown as an answer (memory/answerSupport.ts).
    if (mode === 'memory') {
      const slots = this.keeper();
      const support = answerSupport(slots.questionGates(request.question), slots.memory.size, this.answerSupportSettings(), id =>
        slots.questionSharedIdfMass(request.question, id),
      );
      if (support.kind === 'unsupported')
        return abstention(
          support.reason,
          support.related.filter(r => this.isLive(r.note)).map(r => ({ noteId: r.note, gate: r.gate })),
        );
    }
    const pasted = mode === 'prompt' ? this.promptNotes(request.question) : [];
    const credit = new Map<NoteId, number>();
    const output = await this.withRowsOf(mode, loaded, () =>
      answerQuestion(this.runner(loaded, 'chat', mode === 'memory' ? credit : null), {
        question: request.question,
        notes: pasted.map(n => n.text),
        maxTokens: request.maxTokens ?? DEFAULT_ANSWER_TOKENS,
        signal: context.signal,
        onText: context.onChunk ? text => context.onChunk!({ text }) : undefined,
      }),
    );
    return {
      answer: output.answer,
      // An answer cites the notes its positions read in the keyed note memory, by read mass.
      citations: mode === 'memory' ? this.readCitations(credit) : baselineCitations(mode, pasted.slice(0, output.notesUsed)),
      outcome: { kind: 'answered' },
      tokens: output.tokens,
      firstTokenMs: output.firstTokenMs,
      totalMs: output.totalMs,
      memoryContextTokens: output.memoryContextTokens,
    };
  }

  /** The answer's citations from the keyed note memory's reads: live notes only, each by its share
   *  of the read mass, shares under MIN_CITATION_SHARE dropped and the rest renormalised. */
  private readCitations(credit: ReadonlyMap<NoteId, number>): Citation[] {
    return shareCitations(new Map([...credit].filter(([id]) => this.isLive(id))));
  }

  private isLive(id: NoteId): boolean {
    return this.store.getNote(id)?.state === 'live';
  }

  private answerSupportSettings(): AnswerSupportSettings {
    return { ...defaultAnswerSupportSettings, ...this.options.answerSupport };
  }

  async complete(request: CompleteRequest, context: OperationContext = {}): Promise<CompleteResponse> {
    const loaded = await this.ensureModel(context);
    await this.syncSometimes();
    const mode = request.mode ?? 'memory';
    const pasted = mode === 'prompt' ? this.promptNotes(codeQuery(request.prefix)) : [];
    const credit = new Map<NoteId, number>();
    const output = await this.withRowsOf(mode, loaded, () =>
      completeCode(this.runner(loaded, 'completion', mode === 'memory' ? credit : null), {
        filePath: request.filePath,
        prefix: request.prefix,
        notes: pasted.map(n => n.text),
        maxTokens: request.maxTokens,
        signal: context.signal,
      }),
    );
    // A copied span came from its note whole: one unit of credit per token it typed.
    if (output.copied) credit.set(output.copied.note, (credit.get(output.copied.note) ?? 0) + output.copied.tokens);
    const shown = shownCompletion(
      { ...output, repeated: repeatedLineMatch(request.prefix), prefix: request.prefix },
      request.show ?? 'confident',
      this.options.research?.confidence,
    );
    return {
      completion: shown.text,
      source: shown.source,
      full: output.completion,
      fromNote: output.copied ? { noteId: output.copied.note, span: output.copied.text, score: output.copied.score ?? 0 } : null,
      pieces: output.pieces,
      citations: mode === 'memory' ? this.readCitations(credit) : baselineCitations(mode, pasted),
      ms: output.ms,
      memoryContextTokens: output.memoryContextTokens,
    };
  }

  /** Stops watching the store, lets its running transaction finish (the lock released), frees the model. */
  async close(): Promise<void> {
    this.unsubscribe();
    await this.store.close();
    await this.writer?.dispose();
    await this.loaded?.model.dispose();
  }

  // ---- internals ----

  private writerFor(loaded: LoadedModel): MemoryWriter {
    this.writer ??= new MemoryWriter(loaded.model, loaded.tokenizer, loaded.background);
    return this.writer;
  }

  /** The keyed note memory's keeper, set once the model has loaded. */
  private keeper(): NoteSlotKeeper {
    if (!this.slots) throw new Error('the keyed note memory is used before the model has loaded');
    return this.slots;
  }

  /** The decoding runner of a path; `credit` (memory mode) turns on the keyed note memory: a chat
   *  answer's readout, collecting which notes it read; a completion's span copy (code reads no
   *  slots: docs/decisions/2026-12-07-code-reads-no-slots.md). */
  private runner(loaded: LoadedModel, purpose: 'chat' | 'completion', credit: Map<NoteId, number> | null): DecodingRunner {
    const session =
      purpose === 'chat'
        ? (this.chatSession ??= new DecodingSession(loaded.model))
        : (this.completionSession ??= new DecodingSession(loaded.model));
    const runner = { tokenizer: loaded.tokenizer, session, memoryVersion: this.version };
    const slots = this.slots;
    if (!credit || !slots) return runner;
    return purpose === 'completion'
      ? { ...runner, copySpan: (gateText, prefix, filePath) => slots.copySpan(gateText, prefix, filePath) }
      : { ...runner, readout: slots.chatReadout(credit) };
  }

  /**
   * Gives every live note its keyed slots and drops the rest (a no-op without a keyed memory). Not
   * cancellable and never throws: it runs after the store has the note, so a failure here must not
   * report the note as unwritten or keep the model from loading. It is logged, and the next sync
   * (any remember, forget, import or reload) tries again; until then the note is not read.
   */
  private async syncSlots(context: OperationContext = {}): Promise<SlotSyncReport | null> {
    if (!this.slots) return null;
    try {
      const report = await this.slots.sync(this.store.liveNotes(), (note, index, of) =>
        this.emitProgress(context, {
          stage: 'training',
          message: `Writing ${note.id} into its memory slots (${index + 1} of ${of})`,
          fraction: index / Math.max(1, of),
        }),
      );
      for (const { id, problem } of report.rewritten)
        this.options.events?.log?.({
          level: 'warn',
          message: `Memory slots of note ${id} were rewritten: their file was unusable (${problem}).`,
        });
      if (report.removedTempFiles.length > 0)
        this.options.events?.log?.({
          level: 'info',
          message: `Removed ${report.removedTempFiles.length} slot temp file(s) left by an interrupted save.`,
        });
      return report;
    } catch (error) {
      this.options.events?.log?.({
        level: 'error',
        message: `Could not write notes into their memory slots: ${error instanceof Error ? error.message : String(error)}`,
      });
      return null;
    }
  }

  /** Held-out code loss of the model as completions read it now: its rows (code reads no note
   *  slots, so the keyed note memory does not enter). */
  async heldOutLoss(sample: HeldOutSample): Promise<number> {
    const loaded = await this.ensureModel();
    return heldOutLoss(loaded.model, sample);
  }

  /**
   * Runs `fn` with the rows a mode reads: the live rows for 'memory', the base model's rows for the
   * baselines ('none', 'prompt'), so a baseline answer never draws on written notes.
   */
  private async withRowsOf<T>(mode: MemoryMode, loaded: LoadedModel, fn: () => Promise<T>): Promise<T> {
    const changed = [...this.store.changedRows().keys()];
    if (mode === 'memory' || changed.length === 0) return fn();
    const table = valueTableOf(loaded.model);
    const C = table.rowWidth;
    const live = changed.map(slot => ({ slot, row: table.data.slice(slot * C, (slot + 1) * C) }));
    applyRowUpdates(
      table,
      changed.map(slot => ({ slot, row: loaded.baseValues.subarray(slot * C, (slot + 1) * C) })),
    );
    this.bump();
    try {
      return await fn();
    } finally {
      applyRowUpdates(table, live);
      this.bump();
    }
  }

  private promptNotes(query: string): { id: string; text: string }[] {
    if (this.rankerAt !== this.version || !this.ranker) {
      this.ranker = new PromptNoteRanker(this.store.liveNotes().map(n => ({ id: n.id, text: n.text })));
      this.rankerAt = this.version;
    }
    return this.ranker.top(query);
  }

  private requireLive(id: string, operation: string): void {
    if (!isNoteId(id)) throw new BadRequestError(`"${id}" is not a valid note id`);
    const note = this.store.getNote(id);
    if (!note) throw new NoteNotFoundError(id);
    if (note.state !== 'live') throw new NoteStateError(note.id, note.state, operation);
  }

  private applyUpdates(updates: readonly RowUpdate[]): void {
    if (updates.length === 0) return;
    if (this.loaded) applyRowUpdates(valueTableOf(this.loaded.model), updates);
    this.bump();
  }

  /** Rows other processes (another window, the CLI) changed. Before the model loads there is
   *  nothing to patch: loading overlays the store's rows. */
  private applyExternal(updates: readonly RowUpdate[]): void {
    this.applyUpdates(updates);
    void this.syncSlots();
    const live = new Set(this.store.liveNotes().map(n => n.id));
    const changed = [...live].filter(id => !this.knownLive.has(id)).concat([...this.knownLive].filter(id => !live.has(id)));
    this.knownLive = live;
    this.emitChanged({ reason: 'external', noteIds: changed });
  }

  /** Catches up with other processes' writes, at most every SYNC_INTERVAL_MS (completions run per keystroke). */
  private async syncSometimes(): Promise<void> {
    const now = Date.now();
    if (now - this.lastSync < SYNC_INTERVAL_MS) return;
    this.lastSync = now;
    await this.store.sync();
  }

  private bump(): void {
    this.version++;
  }

  private author(): string {
    if (this.options.author) return this.options.author;
    try {
      return os.userInfo().username;
    } catch {
      return 'unknown';
    }
  }

  private emitProgress(context: OperationContext, event: Omit<ProgressEvent, 'requestId'>): void {
    if (context.progress) context.progress(event);
    else this.options.events?.progress?.(event);
  }

  private emitChanged(event: MemoryChangedEvent): void {
    if (event.reason !== 'external') this.knownLive = new Set(this.store.liveNotes().map(n => n.id));
    this.options.events?.memoryChanged?.(event);
  }
}

const STAGE_OF_PHASE: Record<WriteProgress['phase'], ProgressStage> = {
  prepare: 'augmenting',
  address: 'selecting-slots',
};

function writeProgress(progress: WriteProgress, chunk: number, chunks: number): Omit<ProgressEvent, 'requestId'> {
  const part = chunks > 1 ? ` (part ${chunk + 1} of ${chunks})` : '';
  const stage = STAGE_OF_PHASE[progress.phase];
  const message = `${stage === 'augmenting' ? 'Turning the note into training text' : 'Choosing memory slots'}${part}`;
  return { stage, message, fraction: chunk / chunks };
}

/** What the chat says when no remembered note covers the question (never the base model's text). */
export function abstentionText(reason: 'no-notes' | 'no-note-fits'): string {
  return reason === 'no-notes'
    ? 'No notes are remembered yet, so there is nothing to answer from.'
    : 'No remembered note covers this question.';
}

/** The baselines' citations: none for 'none'; the prompt baseline "cites" what it pasted, in BM25 order. */
function baselineCitations(mode: Exclude<MemoryMode, 'memory'>, pasted: readonly { id: string }[]): Citation[] {
  return mode === 'prompt' ? pasted.map(n => ({ noteId: n.id as NoteId, weight: 1 / pasted.length })) : [];
}

function abstention(reason: 'no-notes' | 'no-note-fits', related: readonly RelatedNote[]): AskResult {
  return {
    answer: abstentionText(reason),
    citations: [],
    outcome: { kind: 'abstained', reason, related },
    tokens: 0,
    firstTokenMs: 0,
    totalMs: 0,
    memoryContextTokens: 0,
  };
}
