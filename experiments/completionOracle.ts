// Oracle probe (not a measurement of mnemo; results in scripts/experiments/README.md): writes each completion-probe note with extra training
// sequences taken from the probe itself (its prefix + expected, whole or last line), to find the
// ceiling of what a write can do for completions if augmentation produced the right code context.
//   node --import tsx scripts/experiments/completionOracle.ts --oracle full|line|none [--steps N --lr X --slots N]
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { loadEvalSet } from '../src/eval/evalSet';
import { writerFlagOptions, writerSettingsOf } from './writerFlags';
import { completionFilePath } from '../src/eval/completionFilePath';
import { heldOutLoss, heldOutSample } from '../src/memory/keyed/heldOutLoss';
import { MemoryService } from '../src/service/memoryService';
import { MemoryWriter } from '../src/memory/rows/rowWriter';
import { encodeTrainingSequence } from '../src/memory/intake/trainingSequence';

async function main(): Promise<void> {
  const { values: args } = parseArgs({
    options: {
      ...writerFlagOptions,
      set: { type: 'string', default: '../shared/eval/public' },
      limit: { type: 'string', default: '26' },
      oracle: { type: 'string', default: 'line' },
      copies: { type: 'string', default: '1' },
    },
  });
  const set = loadEvalSet(args.set!);
  const extra = new Map<string, { path: string; contents: string }[]>();
  for (const c of set.completions) {
    const note = set.notes.find((n) => n.id === c.note)!;
    const lines = c.prefix.split('\n');
    const contents = args.oracle === 'full' ? c.prefix + c.expected + '\n' : lines.slice(-2).join('\n') + c.expected + '\n';
    if (args.oracle !== 'none') extra.set(note.note, [...(extra.get(note.note) ?? []), { path: completionFilePath(c.language), contents }]);
  }
  const original = MemoryWriter.prototype.encode;
  MemoryWriter.prototype.encode = function (this: MemoryWriter, note, settings) {
    const base = original.call(this, note, settings);
    const tok = (this as unknown as { tokenizer: Parameters<typeof encodeTrainingSequence>[0] }).tokenizer;
    const add = (extra.get(note.text) ?? []).flatMap((e) => Array.from({ length: Number(args.copies) }, () => e)).map((e) => {
      const ids = encodeTrainingSequence(tok, { form: 'identifier', layout: 'file', path: e.path, contents: e.contents });
      return { ids, lossFrom: 1 };
    });
    return [...base, ...add];
  };
  const writer = writerSettingsOf(args);
  const storeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mnemo-oracle-'));
  const service = await MemoryService.open({ storeDir, modelDir: 'native/model', writer, author: 'probe' });
  const loaded = await service.ensureModel();
  const sample = heldOutSample('native/model/heldout-sample.bin', loaded.model.config.contextLength);
  const before = await heldOutLoss(loaded.model, sample);
  let exact = 0;
  let probes = 0;
  try {
    const notes = set.notes.filter((n) => set.completions.some((c) => c.note === n.id)).slice(0, Number(args.limit));
    for (const note of notes) {
      const written = await service.remember({ text: note.note, kind: note.kind, id: note.id, secrets: 'redact', oversize: 'chunk' });
      for (const c of set.completions.filter((x) => x.note === note.id)) {
        const result = await service.complete({ filePath: completionFilePath(c.language), prefix: c.prefix });
        const hit = result.completion.startsWith(c.expected);
        exact += hit ? 1 : 0;
        probes++;
        console.log(`${note.id} loss ${written.loss.before.toFixed(2)}->${written.loss.after.toFixed(2)} ...${JSON.stringify(c.prefix.slice(-30))} -> ${JSON.stringify(result.completion.slice(0, 40))} want ${JSON.stringify(c.expected)}${hit ? ' EXACT' : ''}`);
      }
    }
    // Re-check all after every write (retention of completions).
    let kept = 0;
    for (const c of set.completions.filter((x) => notes.some((n) => n.id === x.note))) {
      const result = await service.complete({ filePath: completionFilePath(c.language), prefix: c.prefix });
      if (result.completion.startsWith(c.expected)) kept++;
    }
    const after = await heldOutLoss(loaded.model, sample);
    console.log(`exact right after write ${exact}/${probes}; after all writes ${kept}/${probes}; forgetting ${((after - before) / before).toFixed(4)}`);
  } finally {
    await service.close();
    fs.rmSync(storeDir, { recursive: true, force: true });
  }
}
main().catch((e: unknown) => { console.error(e); process.exit(1); });
