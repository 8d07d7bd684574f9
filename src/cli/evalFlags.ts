// The eval command's research flags: which flag sets which field of the keyed note memory's
// research settings. Only `mnemo eval` passes these; the product runs what ships.

import type { AnswerSupportSettings } from '../memory/keyed/answerSupport';
import type { NoteSlotSettings } from '../memory/keyed/noteSlots';
import type { SlotWriterSettings } from '../memory/keyed/slotWriter';

/** The numeric fields of a settings type: the only ones a number flag may set. */
export type NumberField<T> = { [K in keyof T]: T[K] extends number ? K : never }[keyof T];

/** Which research flag sets which settings field; a flag not given leaves the shipped value. */
export const SLOT_WRITER_FLAGS: Readonly<Record<string, NumberField<SlotWriterSettings>>> = {
  'slot-steps': 'steps',
  'slot-rows': 'maxRows',
  'slot-lr': 'learningRate',
  'slot-refresh': 'refreshEvery',
};
export const NOTE_SLOT_FLAGS: Readonly<Record<string, NumberField<NoteSlotSettings>>> = {
  'chat-gate': 'chatGateThreshold',
  'chat-floor': 'chatGateFloor',
  'chat-norm-power': 'chatNormPower',
  'chat-read-scale': 'chatReadScale',
  'chat-copy-bias': 'chatCopyBias',
  'chat-bm25': 'chatBm25Weight',
  'slot-sharpness': 'slotSharpness',
  'chat-follow': 'chatFollowBonus',
  'chat-pointer': 'chatPointerBias',
};
export const ANSWER_SUPPORT_FLAGS: Readonly<Record<string, NumberField<AnswerSupportSettings>>> = {
  'chat-answer-gate': 'answerGate',
  'chat-shared-idf': 'sharedIdfMass',
};

/** The settings the given flags set, each flag's number onto its field. */
export function givenFlags<T>(options: Readonly<Record<string, unknown>>, fields: Readonly<Record<string, NumberField<T>>>): Partial<T> {
  const settings: Partial<Record<NumberField<T>, number>> = {};
  for (const [flag, field] of Object.entries(fields)) {
    const value = options[flag];
    if (typeof value === 'number') settings[field] = value;
  }
  return settings as Partial<T>;
}
