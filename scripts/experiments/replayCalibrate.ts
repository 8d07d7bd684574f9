// Calibrates the ghost-text confidence floors (service/completionConfidence.ts) from replay details
// (`mnemo eval --replay DIR --details FILE`): every cursor's whole completion, its tokens'
// probabilities and any copied note span with its score are there, so each floor's shipped figures
// are recomputed without running the model. Prints, per group of detail files, the figures for
// each floor; pick on one group, check on the other.
//
//   node --import tsx scripts/experiments/replayCalibrate.ts --group fit a.jsonl b.jsonl --group check c.jsonl d.jsonl

import * as fs from 'node:fs';
import { ReplayOutcome, scoreView } from '../../src/memory/eval/replayScore';
import { defaultConfidenceSettings, shownCompletion } from '../../src/service/completionConfidence';
import type { CompletionPiece } from '../../src/service/completionPath';

interface Detail {
  readonly rest: string;
  readonly full: string;
  readonly pieces: readonly CompletionPiece[];
  readonly fromNote: { readonly span: string; readonly score: number } | null;
  /** The file's repeated line at the cursor (absent in details written before it was shown). */
  readonly repeated?: string | null;
}

const groups = new Map<string, Detail[]>();
let current = 'all';
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--group') {
    current = args[++i]!;
    continue;
  }
  const list = groups.get(current) ?? [];
  for (const line of fs.readFileSync(args[i]!, 'utf8').split('\n')) if (line.trim()) list.push(JSON.parse(line) as Detail);
  groups.set(current, list);
}

const floors = (process.env.FLOORS ?? '0,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9').split(',').map(Number);
const spanFloors = (process.env.SPAN_FLOORS ?? '0.25,0.5,1,2').split(',').map(Number);
for (const [name, details] of groups) {
  console.log(`\n== ${name}: ${details.length} cursors`);
  const always = scoreView(outcomes(details, 0, 0, true), (o) => o.always);
  console.log(`always      shown ${fmt(always.shown_rate)} precision ${fmt(always.precision)} saved ${fmt(always.saved_share)} false_copies ${fmt(always.false_copies)}`);
  for (const spanFloor of spanFloors) {
    for (const floor of floors) {
      const s = scoreView(outcomes(details, floor, spanFloor, false), (o) => o.shipped);
      console.log(`p>=${floor.toFixed(2)} span>=${spanFloor.toFixed(2)}  shown ${fmt(s.shown_rate)} precision ${fmt(s.precision)} saved ${fmt(s.saved_share)} false_copies ${fmt(s.false_copies)} (${s.false_copy_count})`);
    }
  }
}

function outcomes(details: readonly Detail[], floor: number, spanFloor: number, _always: boolean): ReplayOutcome[] {
  return details.map((d) => {
    const copied = d.fromNote ? { text: d.fromNote.span, score: d.fromNote.score } : null;
    const shown = shownCompletion({ completion: d.full, pieces: d.pieces, copied, repeated: d.repeated ?? null }, 'confident', { ...defaultConfidenceSettings, minProbability: floor, minSpanScore: spanFloor });
    const span = d.fromNote?.span ?? null;
    return { rest: d.rest, shipped: { text: shown.text, span: shown.source === 'note' ? span : null }, always: { text: d.full, span }, ms: 0 };
  });
}

function fmt(x: number | null): string {
  return x === null ? '-' : x.toFixed(3);
}
