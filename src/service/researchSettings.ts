// Tuning knobs for measurements, apart from what ships (the row writer has none left: it trains
// nothing, rows/rowWriter.ts). The service runs with each subsystem's
// default*Settings, which are what ships; only `src/eval/`, the CLI's eval command and
// `experiments/` may pass these (src/vscode/layer-boundaries.test.ts checks it), so no product
// path can run with settings that were not measured as shipped.

import type { SlotWriterSettings } from '../memory/keyed/slotWriter';
import type { NoteSlotSettings } from '../memory/keyed/noteSlots';
import type { SpanCopySettings } from '../memory/copy/spanCopy';
import type { ConfidenceSettings } from './completionConfidence';

export interface ResearchSettings {
  /** The keyed note memory's writer (slotWriter.ts defaultSlotWriterSettings otherwise). */
  readonly slotWriter?: Partial<SlotWriterSettings>;
  /** The keyed note memory's read settings, its gates (noteSlots.ts defaultNoteSlotSettings otherwise). */
  readonly noteSlots?: Partial<NoteSlotSettings>;
  /** The span copy's weights (copy/spanCopy.ts defaultSpanCopySettings otherwise): ablations. */
  readonly spanCopy?: Partial<SpanCopySettings>;
  /** Which completions are confident enough to show (completionConfidence.ts's calibrated defaults
   *  otherwise): the replay benchmark's calibration. */
  readonly confidence?: ConfidenceSettings;
}
