// The completion probes of an eval set alone, fast: the notes and distractors are written once into
// a store kept at --store (reused on the next run: span rules are read when the store opens, so a
// rule change needs no rewrite), then every probe is completed; prints each probe's expected text,
// the completion under `always` and `confident`, the copied span and its score, and the
// completion_exact of both. `mnemo eval` stays the measurement.
//
//   node --import tsx scripts/experiments/completionProbes.ts --set ../shared/eval/dev --store /tmp/store-dev [--copy '{"visibleWeight":1}']

import * as fs from 'node:fs';
import { completionFilePath } from '../../src/memory/eval/completionFilePath';
import { completionExact } from '../../src/memory/eval/evalScore';
import { loadEvalSet } from '../../src/memory/eval/evalSet';
import { MemoryService } from '../../src/service/memoryService';

const args = process.argv.slice(2);
const arg = (name: string) => {
  const at = args.indexOf(`--${name}`);
  return at < 0 ? undefined : args[at + 1];
};
const setDir = arg('set') ?? '../shared/eval/public';
const storeDir = arg('store') ?? '/tmp/mnemo-probes-store';
/** Span copy settings to override, as JSON: --copy '{"visibleWeight":1}'. */
const spanCopy = JSON.parse(arg('copy') ?? '{}') as Record<string, number>;

async function main(): Promise<void> {
  const set = loadEvalSet(setDir);
  const fresh = !fs.existsSync(storeDir);
  fs.mkdirSync(storeDir, { recursive: true });
  const service = await MemoryService.open({ storeDir, modelDir: 'native/model', author: 'probes', spanCopy });
  try {
    if (fresh) for (const note of [...set.notes, ...set.distractors]) await service.remember({ text: note.note, kind: note.kind, id: note.id, secrets: 'redact', oversize: 'chunk' });
    let always = 0;
    let confident = 0;
    for (const probe of set.completions) {
      const result = await service.complete({ filePath: completionFilePath(probe.language), prefix: probe.prefix, show: 'confident' });
      const a = completionExact(result.full, probe.expected);
      const c = completionExact(result.completion, probe.expected);
      always += a ? 1 : 0;
      confident += c ? 1 : 0;
      const span = result.fromNote ? `${result.fromNote.noteId}:${JSON.stringify(result.fromNote.span)}@${result.fromNote.score.toFixed(2)}` : "-";
      console.log(`${a ? 'A' : '.'}${c ? 'C' : '.'} ${probe.note} want ${JSON.stringify(probe.expected)} full ${JSON.stringify(result.full.slice(0, 50))} shown ${JSON.stringify(result.completion.slice(0, 50))} span ${span}`);
    }
    console.log(`${setDir}: always ${always}/${set.completions.length}, confident ${confident}/${set.completions.length}`);
  } finally {
    await service.close();
  }
}

void main();
