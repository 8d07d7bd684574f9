// Tests of the eval command's research flags onto their settings fields.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { OptionSpecs } from './commandLine';
import { evalCommand } from './evalCommand';
import { ANSWER_SUPPORT_FLAGS, givenFlags, NOTE_SLOT_FLAGS, SLOT_WRITER_FLAGS } from './evalFlags';

test('evalFlags: a given flag sets its field, a flag not given sets nothing', () => {
  const options = { 'slot-steps': 3, 'slot-lr': 0.5, 'slot-rows': undefined, 'chat-bm25': 0, json: 'x.json' };
  assert.deepEqual(givenFlags(options, SLOT_WRITER_FLAGS), { steps: 3, learningRate: 0.5 });
  assert.deepEqual(givenFlags(options, NOTE_SLOT_FLAGS), { chatBm25Weight: 0 });
  assert.deepEqual(givenFlags(options, ANSWER_SUPPORT_FLAGS), {});
});

test('evalFlags: every flag is an option of `mnemo eval`, of a number', () => {
  const specs: OptionSpecs = evalCommand.options;
  for (const flags of [SLOT_WRITER_FLAGS, NOTE_SLOT_FLAGS, ANSWER_SUPPORT_FLAGS])
    for (const flag of Object.keys(flags)) assert.equal(specs[flag]?.kind, 'number', flag);
});
