// Texts of a note that only its footprint reads (noteFootprint.ts), besides its training sequences:
// the training sequences of the lowercased note, and the note put as a chat question, as written
// and lowercased. A question reaches the note's address from other contexts than the training
// sequences' (the question position of the chat layout, other casing), and slots that every
// rendering reads are the note's, not one context's. Nothing here is trained on.
//
// Measured with citationScoring.ts (git history, scripts/experiments/; docs/decisions) (the service's scoring, shipped model):
//   footprint from                          public set (45 notes)   1,000 generated notes (200 asked)
//   training sequences                      0.593 / 0.778           0.785 / 0.835
//   + these renderings                      0.617 / 0.753           0.930 / 0.970
// (provenance@1 / @3.)

import { augmentNote, AugmentInput, AugmentOptions } from '../intake/augment';
import type { TrainingSequence } from '../intake/trainingSequence';

export function footprintRenderings(note: AugmentInput, options: AugmentOptions = {}): TrainingSequence[] {
  const text = note.text.replace(/\s+/g, ' ').trim();
  const lower = text.toLowerCase();
  return [
    ...augmentNote({ ...note, text: lower }, options),
    { form: 'qa', layout: 'exchange', question: text, answer: '' },
    { form: 'qa', layout: 'exchange', question: lower, answer: '' },
  ];
}
