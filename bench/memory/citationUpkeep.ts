// What keeping citations current costs as the store grows: after one write (or forget) into a
// store of N notes, the service brings its slot -> notes map up to date before the next question or
// completion is cited. Side by side in one run: building the map from every live note (the same work
// as the service's rebuild until session 4, done here by a fresh CitationIndex; the old code itself,
// store.citationOwners + citationClaims, is gone) and CitationIndex.sync (only the notes that came or went).
// Notes are synthetic, in the shipped writer's shape: 256 written slots and a 2,048-slot footprint
// over 16,384 slots, drawn with a skew so that footprints overlap as real ones do.
//
//   node --import tsx bench/memory/citationUpkeep.ts [--notes 1000] [--repeats 15]
// The last stdout line is JSON.

import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { CitationIndex } from '../../src/memory/citations/citationIndex';
import type { NoteId } from '../../src/memory/note';
import { summarize } from '../app/latencySummary';

const SLOTS = 16_384;
const WRITTEN = 256;
const FOOTPRINT = 2_048;

type Live = { id: NoteId; slots: number[]; footprint: number[] };

function syntheticNote(index: number, random: () => number): Live {
  // random()^2 skews towards low slot ids: popular slots shared by many notes.
  const draw = (n: number) => [...new Set(Array.from({ length: n * 2 }, () => Math.floor(random() ** 2 * SLOTS)))].slice(0, n).sort((a, b) => a - b);
  return { id: `note-${index}` as NoteId, slots: draw(WRITTEN), footprint: draw(FOOTPRINT) };
}

function main(): void {
  const { values: args } = parseArgs({ options: { notes: { type: 'string', default: '1000' }, repeats: { type: 'string', default: '15' } } });
  const count = Number(args.notes);
  const repeats = Number(args.repeats);
  let seed = 1234;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const notes = Array.from({ length: count }, (_, i) => syntheticNote(i, random));
  const index = new CitationIndex();
  index.sync(notes.slice(0, count - 1));

  const rebuildMs: number[] = [];
  const writeMs: number[] = [];
  const forgetMs: number[] = [];
  for (let r = 0; r < repeats; r++) {
    let started = performance.now();
    new CitationIndex().sync(notes);
    rebuildMs.push(performance.now() - started);

    started = performance.now();
    index.sync(notes); // the last note was just written
    writeMs.push(performance.now() - started);

    started = performance.now();
    index.sync(notes.slice(0, count - 1)); // and forgotten again
    forgetMs.push(performance.now() - started);
  }
  const rebuild = summarize(rebuildMs);
  const write = summarize(writeMs);
  const forget = summarize(forgetMs);
  console.log(`${count} notes: rebuild p50 ${rebuild.p50} ms | sync after a write ${write.p50} ms | after a forget ${forget.p50} ms`);
  console.log(JSON.stringify({
    notes: count,
    rebuild_ms_p50: rebuild.p50,
    sync_after_write_ms_p50: write.p50,
    sync_after_forget_ms_p50: forget.p50,
    speedup_write: rebuild.p50 && write.p50 ? Math.round(rebuild.p50 / write.p50) : null,
  }));
}

main();
