// Checkpoints on disk: a directory with manifest.json and a safetensors weights file.
// Two kinds: "training" (fp32 parameters plus optimiser state, to resume a run) and "shipped"
// (fp16 parameters only, what native/model holds). The manifest records the config, the tokenizer
// id, the sha256 of every file it names, and the training figures; loading verifies the hashes and
// refuses a mismatch.

import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ModelConfig } from './config';
import { fromFloat16Array, toFloat16Array } from './float16';
import { Parameters, checkParametersMatchConfig } from './parameters';
import { StoredTensor, decodeSafetensors, encodeSafetensors } from './safetensors';

export const checkpointFormat = 'mnemo-checkpoint/1';
export const manifestFileName = 'manifest.json';
const optimizerPrefix = 'optimizer/';

export type CheckpointKind = 'training' | 'shipped';

export interface TrainingFigures {
  readonly steps: number;
  readonly tokens: number;
  readonly seed: number;
  /** Mean cross-entropy (nats/token) on held-out packages, when measured. */
  readonly heldoutLoss: number | null;
  readonly heldoutTokenAccuracy: number | null;
  readonly elapsedSeconds: number;
}

export interface FileRecord {
  readonly file: string;
  readonly sha256: string;
  readonly bytes: number;
}

export interface CheckpointManifest {
  readonly format: typeof checkpointFormat;
  readonly kind: CheckpointKind;
  readonly config: ModelConfig;
  readonly tokenizer: string;
  readonly weights: FileRecord & { readonly dtype: 'F32' | 'F16' };
  readonly training: TrainingFigures;
  /** Free-form optimiser scalars (step count, learning rates) for resuming; training kind only. */
  readonly optimizer?: Readonly<Record<string, unknown>>;
  /** Background document frequency of each memory slot (issue 5's write path reads it). */
  readonly slotStatistics?: FileRecord & { readonly batches: number; readonly tokensPerBatch: number };
  /** What the keyed note memory's address needs from the background: word document frequencies
   *  (hashed) over corpus documents and the mean final-normed state (src/memory/noteSlots.ts). */
  readonly noteSlotBackground?: FileRecord & { readonly documents: number };
  readonly createdAt: string;
}

/** The keyed note memory's background (see CheckpointManifest.noteSlotBackground). */
export interface NoteSlotBackground {
  /** (buckets, a power of two): background documents containing a word hashed to each bucket. */
  readonly wordDocumentFrequency: Int32Array;
  readonly documents: number;
  /** (C): the mean of the final-normed state over background positions. */
  readonly stateCentre: Float32Array;
}

export interface Checkpoint {
  readonly manifest: CheckpointManifest;
  readonly parameters: Parameters;
  /** Optimiser tensors by name (e.g. "m/tok_emb"); empty for shipped checkpoints. */
  readonly optimizerState: Map<string, Float32Array>;
  /** How many background batches read each slot, when the checkpoint has slot statistics. */
  readonly slotDocumentFrequency: Int32Array | null;
  readonly noteSlotBackground: NoteSlotBackground | null;
}

export interface SaveCheckpointOptions {
  readonly kind: CheckpointKind;
  readonly config: ModelConfig;
  readonly tokenizer: string;
  readonly parameters: Parameters;
  readonly training: TrainingFigures;
  readonly optimizerState?: ReadonlyMap<string, Float32Array>;
  readonly optimizer?: Readonly<Record<string, unknown>>;
  readonly slotDocumentFrequency?: { readonly counts: Int32Array; readonly batches: number; readonly tokensPerBatch: number };
}

const weightsFileName = (kind: CheckpointKind) => (kind === 'shipped' ? 'weights.fp16.safetensors' : 'weights.fp32.safetensors');
const slotStatisticsFileName = 'slot-df.safetensors';
const noteSlotBackgroundFileName = 'note-slots.safetensors';

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Writes the checkpoint into `dir` atomically: everything goes to a sibling temporary directory
 *  which is then renamed over `dir`, so a crash never leaves a half-written checkpoint behind. */
export function saveCheckpoint(dir: string, options: SaveCheckpointOptions): CheckpointManifest {
  checkParametersMatchConfig(options.parameters, options.config);
  const dtype = options.kind === 'shipped' ? 'F16' : 'F32';
  const tensors = new Map<string, StoredTensor>();
  for (const [name, tensor] of options.parameters) {
    tensors.set(
      name,
      dtype === 'F16'
        ? { dtype: 'F16', shape: tensor.shape, data: toFloat16Array(tensor.data) }
        : { dtype: 'F32', shape: tensor.shape, data: tensor.data },
    );
  }
  if (options.kind === 'training') {
    for (const [name, data] of options.optimizerState ?? []) {
      tensors.set(optimizerPrefix + name, { dtype: 'F32', shape: [data.length], data });
    }
  }
  const weightsBytes = encodeSafetensors({ tensors, metadata: { format: checkpointFormat } });
  const temporary = `${dir}.tmp-${process.pid}-${Date.now()}`;
  fs.mkdirSync(temporary, { recursive: true });
  const weightsFile = weightsFileName(options.kind);
  writeFileSynced(path.join(temporary, weightsFile), weightsBytes);
  let slotStatistics: CheckpointManifest['slotStatistics'];
  if (options.slotDocumentFrequency) {
    const { counts, batches, tokensPerBatch } = options.slotDocumentFrequency;
    const bytes = encodeSlotStatistics(counts, batches);
    writeFileSynced(path.join(temporary, slotStatisticsFileName), bytes);
    slotStatistics = { file: slotStatisticsFileName, sha256: sha256Hex(bytes), bytes: bytes.length, batches, tokensPerBatch };
  }
  const manifest: CheckpointManifest = {
    format: checkpointFormat,
    kind: options.kind,
    config: options.config,
    tokenizer: options.tokenizer,
    weights: { file: weightsFile, sha256: sha256Hex(weightsBytes), bytes: weightsBytes.length, dtype },
    training: options.training,
    ...(options.kind === 'training' && options.optimizer ? { optimizer: options.optimizer } : {}),
    ...(slotStatistics ? { slotStatistics } : {}),
    createdAt: new Date().toISOString(),
  };
  writeFileSynced(path.join(temporary, manifestFileName), Buffer.from(JSON.stringify(manifest, null, 2) + '\n'));
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(path.resolve(dir)), { recursive: true });
  fs.renameSync(temporary, dir);
  return manifest;
}

export function readManifest(dir: string): CheckpointManifest {
  const file = path.join(dir, manifestFileName);
  if (!fs.existsSync(file)) throw new Error(`checkpoint ${dir}: no ${manifestFileName} (not a mnemo checkpoint directory)`);
  const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as CheckpointManifest;
  if (manifest.format !== checkpointFormat) {
    throw new Error(`checkpoint ${dir}: format "${String(manifest.format)}" is not ${checkpointFormat}`);
  }
  return manifest;
}

/** Loads and verifies a checkpoint. Throws a message naming the file and both hashes when a file's
 *  sha256 differs from the manifest's, and refuses another tokenizer when `expectTokenizer` is given. */
export function loadCheckpoint(dir: string, expectTokenizer?: string): Checkpoint {
  const manifest = readManifest(dir);
  if (expectTokenizer !== undefined && manifest.tokenizer !== expectTokenizer) {
    throw new Error(`checkpoint ${dir}: trained with tokenizer "${manifest.tokenizer}", this build uses "${expectTokenizer}"`);
  }
  const weightsBytes = readVerified(dir, manifest.weights);
  const stored = decodeSafetensors(weightsBytes);
  const parameters: Parameters = new Map();
  const optimizerState = new Map<string, Float32Array>();
  for (const [name, tensor] of stored.tensors) {
    if (name.startsWith(optimizerPrefix)) {
      if (tensor.dtype !== 'F32') throw new Error(`checkpoint ${dir}: optimiser tensor ${name} is not F32`);
      optimizerState.set(name.slice(optimizerPrefix.length), tensor.data);
      continue;
    }
    const data = tensor.dtype === 'F16' ? fromFloat16Array(tensor.data) : tensor.dtype === 'F32' ? tensor.data : null;
    if (!data) throw new Error(`checkpoint ${dir}: parameter ${name} has dtype ${tensor.dtype}`);
    parameters.set(name, { shape: tensor.shape, data });
  }
  checkParametersMatchConfig(parameters, manifest.config);
  const slotDocumentFrequency = manifest.slotStatistics ? readSlotStatistics(dir, manifest.slotStatistics) : null;
  const noteSlotBackground = manifest.noteSlotBackground ? readNoteSlotBackground(dir, manifest.noteSlotBackground) : null;
  return { manifest, parameters, optimizerState, slotDocumentFrequency, noteSlotBackground };
}

function readNoteSlotBackground(dir: string, record: FileRecord & { readonly documents: number }): NoteSlotBackground {
  const tensors = decodeSafetensors(readVerified(dir, record)).tensors;
  const df = tensors.get('word_df');
  const centre = tensors.get('state_centre');
  if (!df || df.dtype !== 'I32' || !centre || centre.dtype !== 'F32')
    throw new Error(`checkpoint ${dir}: ${record.file} needs an I32 word_df and an F32 state_centre`);
  return { wordDocumentFrequency: df.data, documents: record.documents, stateCentre: centre.data };
}

/** Adds (or replaces) the keyed note memory's background of an existing checkpoint. */
export function writeNoteSlotBackground(dir: string, background: NoteSlotBackground): CheckpointManifest {
  const bytes = encodeSafetensors({
    tensors: new Map<string, StoredTensor>([
      ['word_df', { dtype: 'I32', shape: [background.wordDocumentFrequency.length], data: background.wordDocumentFrequency }],
      ['state_centre', { dtype: 'F32', shape: [background.stateCentre.length], data: background.stateCentre }],
    ]),
    metadata: { documents: String(background.documents) },
  });
  writeFileSynced(path.join(dir, noteSlotBackgroundFileName), bytes);
  return updateManifest(dir, {
    noteSlotBackground: {
      file: noteSlotBackgroundFileName,
      sha256: sha256Hex(bytes),
      bytes: bytes.length,
      documents: background.documents,
    },
  });
}

function readSlotStatistics(dir: string, record: FileRecord): Int32Array {
  const slotFile = decodeSafetensors(readVerified(dir, record)).tensors.get('slot_df');
  if (!slotFile || slotFile.dtype !== 'I32') throw new Error(`checkpoint ${dir}: ${record.file} has no I32 slot_df`);
  return slotFile.data;
}

/** Adds (or replaces) the slot statistics of an existing checkpoint, rewriting only its manifest. */
export function writeSlotStatistics(dir: string, counts: Int32Array, batches: number, tokensPerBatch: number): CheckpointManifest {
  const bytes = encodeSlotStatistics(counts, batches);
  writeFileSynced(path.join(dir, slotStatisticsFileName), bytes);
  return updateManifest(dir, {
    slotStatistics: { file: slotStatisticsFileName, sha256: sha256Hex(bytes), bytes: bytes.length, batches, tokensPerBatch },
  });
}

function updateManifest(dir: string, change: Partial<CheckpointManifest>): CheckpointManifest {
  const updated: CheckpointManifest = { ...readManifest(dir), ...change };
  const manifestPath = path.join(dir, manifestFileName);
  writeFileSynced(`${manifestPath}.tmp`, Buffer.from(JSON.stringify(updated, null, 2) + '\n'));
  fs.renameSync(`${manifestPath}.tmp`, manifestPath);
  return updated;
}

function encodeSlotStatistics(counts: Int32Array, batches: number): Buffer {
  return encodeSafetensors({
    tensors: new Map([['slot_df', { dtype: 'I32', shape: [counts.length], data: counts }]]),
    metadata: { batches: String(batches) },
  });
}

function readVerified(dir: string, record: FileRecord): Buffer {
  const file = path.join(dir, record.file);
  if (!fs.existsSync(file)) throw new Error(`checkpoint ${dir}: ${record.file} is missing`);
  const bytes = fs.readFileSync(file);
  const actual = sha256Hex(bytes);
  if (actual !== record.sha256) {
    throw new Error(
      `checkpoint ${dir}: ${record.file} has sha256 ${actual}, but manifest.json expects ${record.sha256}; ` +
        `the file is corrupt or from another checkpoint, so it is refused (re-export or restore it)`,
    );
  }
  return bytes;
}

function writeFileSynced(file: string, bytes: Uint8Array): void {
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeSync(fd, bytes);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
