// Keeps PROTOCOL.md in step with protocol.ts: the page records protocol.ts's sha256 and names every
// request type, event type and error code (derived from the code, not a hand-kept list).

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { REQUEST_POLICIES } from './messenger';
import type { EventType, ProtocolErrorCode } from './protocol';

const doc = readFileSync(path.join(__dirname, 'PROTOCOL.md'), 'utf8');

test("protocol doc: the recorded hash is protocol.ts's", () => {
  const actual = createHash('sha256')
    .update(readFileSync(path.join(__dirname, 'protocol.ts')))
    .digest('hex');
  const recorded = /protocol\.ts sha256: ([0-9a-f]{64})/.exec(doc)?.[1];
  assert.equal(recorded, actual, 'protocol.ts changed: update PROTOCOL.md to match, then its hash line');
});

test('protocol doc: every request type, event type and error code is described', () => {
  const events: { [E in EventType]: true } = { progress: true, 'memory/changed': true, log: true };
  const codes: { [C in ProtocolErrorCode]: true } = {
    'secret-found': true,
    'note-invalid': true,
    'store-model-mismatch': true,
    'forget-conflict': true,
    'store-corrupt': true,
    'store-foreign-file': true,
    'store-format-unsupported': true,
    'store-locked': true,
    'store-stale-rows': true,
    'store-disk-full': true,
    'store-io': true,
    'note-not-found': true,
    'note-state': true,
    'note-id-taken': true,
    'import-invalid': true,
    cancelled: true,
    'not-ready': true,
    'bad-request': true,
    internal: true,
  };
  for (const type of Object.keys(REQUEST_POLICIES)) assert.match(doc, new RegExp(`\\| \`${type}\` \\|`), `request ${type}`);
  for (const type of Object.keys(events)) assert.match(doc, new RegExp(`\\| \`${type}\` \\|`), `event ${type}`);
  const storeCodes = [
    'store-foreign-file',
    'store-format-unsupported',
    'store-stale-rows',
    'store-disk-full',
    'store-io',
    'note-state',
    'import-invalid',
  ];
  for (const code of Object.keys(codes)) {
    if (storeCodes.includes(code)) continue; // covered by "the other store codes" and storeErrors.ts
    assert.match(doc, new RegExp(`\`${code}\``), `error ${code}`);
  }
});
