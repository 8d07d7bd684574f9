// The completion's note span with the shipped code and no model: per probe of a set, the gates the
// keeper computes for the prompt text, the ranked spans (spanCopy.ts), and whether the best one is
// shown (score >= minSpanScore) and starts the expected text. SHOW=x overrides the show floor;
// DUMP=DIR writes each set's probes as DIR/<set>.jsonl in mineSpanCursors.ts's format (y: the span
// starts the expected text; part: the expected text starts with the span).
//
//   node --import tsx experiments/spanRanker/spanCheck.ts ../shared/eval/public ../shared/eval/dev
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadEvalSet } from '../../src/eval/evalSet';
import { completionFilePath } from '../../src/eval/completionFilePath';
import { indexNoteSpans, rankSpans } from '../../src/memory/copy/spanCopy';
import { NoteSlotMemory } from '../../src/memory/keyed/noteSlots';
import { noteBag, wordBag } from '../../src/memory/keyed/wordBag';
import type { NoteId } from '../../src/memory/note';
import { loadCheckpoint } from '../../src/model/checkpoint';
import { defaultConfidenceSettings } from '../../src/service/completionConfidence';

const background = loadCheckpoint('native/model').noteSlotBackground!;
const words = { documents: background.documents, buckets: background.wordDocumentFrequency };
const basis = {
  finalNormWeight: new Float32Array(background.stateCentre.length).fill(1),
  normEps: 1e-5,
  stateCentre: background.stateCentre,
};
const show = Number(process.env.SHOW ?? defaultConfidenceSettings.minSpanScore);
const verbose = process.env.VERBOSE === '1';

for (const dir of process.argv.slice(2)) {
  const set = loadEvalSet(dir);
  const all = [...set.notes, ...set.distractors];
  const memory = new NoteSlotMemory(words, basis);
  for (const n of all)
    memory.set({ id: n.id as NoteId, ...noteBag(words, n.note), count: 0, keys: new Float32Array(0), values: new Float32Array(0) });
  const spans = new Map(all.map(n => [n.id, indexNoteSpans(n.id as NoteId, n.note)]));
  const dump = process.env.DUMP ? fs.openSync(path.join(process.env.DUMP, `${set.name}.jsonl`), 'w') : undefined;
  let exact = 0;
  let partial = 0;
  let shownWrong = 0;
  let rightFirst = 0;
  for (const probe of set.completions) {
    const filePath = completionFilePath(probe.language);
    const gates = memory.gates(wordBag(words, `${filePath}\n${probe.prefix}`), 'chat');
    const notes = [...gates].map(([id, gate]) => ({ index: spans.get(id)!, gate }));
    const ranked = rankSpans(notes, probe.prefix, words, { fileName: filePath });
    const best = ranked[0];
    const expected = probe.expected.trimStart();
    if (dump !== undefined)
      fs.writeSync(
        dump,
        JSON.stringify({
          note: probe.note,
          expected,
          line: probe.prefix.slice(probe.prefix.lastIndexOf('\n') + 1),
          inside: /[\p{L}\p{N}_$]/u.test(probe.prefix.at(-1) ?? ' '),
          candidates: ranked.slice(0, 40).map(c => ({
            text: c.text,
            own: c.note === probe.note,
            y: c.text.startsWith(expected) ? 1 : 0,
            part: expected.startsWith(c.text) ? 1 : 0,
            hand: c.score,
            ...c.features,
          })),
        }) + '\n',
      );
    const right = best !== undefined && (best.text.startsWith(expected) || expected.startsWith(best.text));
    if (right) rightFirst++;
    const shown = best !== undefined && best.score >= show;
    if (shown && best.text.startsWith(expected)) exact++;
    else if (shown && right) partial++;
    else if (shown) shownWrong++;
    if (verbose) {
      const at = ranked.findIndex(c => c.text.startsWith(expected) || expected.startsWith(c.text));
      console.log(
        `${probe.note} ${shown ? (right ? 'OK ' : 'BAD') : '-  '} expected ${JSON.stringify(expected)} best ${JSON.stringify(best?.text)} ${best?.score.toFixed(2)} | right at ${at} ${at >= 0 ? ranked[at]!.score.toFixed(2) : ''} gate ${(gates.get(probe.note as NoteId) ?? 0).toFixed(2)}`,
      );
    }
  }
  const n = set.completions.length;
  console.log(
    `${set.name}: probes ${n}, right span first ${rightFirst}, shown exact ${exact}, shown partial ${partial}, shown wrong ${shownWrong} (show >= ${show})`,
  );
}
