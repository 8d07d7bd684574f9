// Tests of the byte framing: round trips (bit-exact floats), torn tails told apart from damage.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeHeader, encodeHeader, encodeRecord, scanRecord } from './framing';

test('framing: header round-trips and names the wrong kind of file', () => {
  const bytes = encodeHeader('journal', { kind: 'journal', storeId: 's', generation: 3 });
  const ok = decodeHeader('journal', bytes);
  assert.ok(ok.ok);
  if (ok.ok) assert.deepEqual(ok.header, { kind: 'journal', storeId: 's', generation: 3 });
  const wrong = decodeHeader('snapshot', bytes);
  assert.ok(!wrong.ok && wrong.problem === 'foreign' && /mnemo journal file, expected a snapshot/.test(wrong.reason));
  const junk = decodeHeader('journal', Buffer.from('{"just": "json"}\n'.repeat(3)));
  assert.ok(!junk.ok && junk.problem === 'foreign');
  const flipped = Buffer.from(bytes);
  flipped[bytes.length - 3] ^= 0x01;
  const bad = decodeHeader('journal', flipped);
  assert.ok(!bad.ok && bad.problem === 'corrupt');
  const newer = Buffer.from(bytes);
  newer.writeUInt32LE(99, 8);
  const version = decodeHeader('journal', newer);
  assert.ok(!version.ok && version.problem !== 'foreign');
});

test('framing: rows round-trip bit for bit, NaN payloads and -0 included', () => {
  const rows = new Float32Array([1.5, -0, 0, Infinity, -Infinity, 1e-45, 3.4028234663852886e38]);
  const nanBits = new Uint32Array([0x7fc00001, 0xffbfffff]);
  const nans = new Float32Array(nanBits.buffer);
  const record = encodeRecord({ type: 'x', n: 1 }, [rows, nans]);
  const scan = scanRecord(record, 0);
  assert.equal(scan.kind, 'record');
  if (scan.kind !== 'record') return;
  assert.deepEqual(scan.record.json, { type: 'x', n: 1 });
  const all = new Uint32Array(scan.record.rows.buffer);
  assert.deepEqual([...all.slice(0, 7)], [...new Uint32Array(rows.buffer)]);
  assert.deepEqual([...all.slice(7)], [...nanBits]);
  assert.equal(scan.record.end, record.length);
});

test('framing: every cut of the last record is a torn tail, not corruption', () => {
  const first = encodeRecord({ a: 1 }, [new Float32Array([1, 2, 3])]);
  const second = encodeRecord({ b: 2 }, [new Float32Array([4, 5, 6, 7])]);
  const whole = Buffer.concat([first, second]);
  for (let cut = first.length + 1; cut < whole.length; cut++) {
    const scan = scanRecord(whole.subarray(0, cut), first.length);
    assert.equal(scan.kind, 'torn', `cut at ${cut}`);
  }
  // A full-length last record whose bytes did not all land: checksum fails at the very end.
  const garbled = Buffer.from(whole);
  garbled[whole.length - 2] ^= 0xff;
  assert.equal(scanRecord(garbled, first.length).kind, 'torn');
  // A zero-filled tail (size extended, data lost) is torn too.
  assert.equal(scanRecord(Buffer.concat([first, Buffer.alloc(40)]), first.length).kind, 'torn');
});

test('framing: damage followed by more data is corruption', () => {
  const first = encodeRecord({ a: 1 }, [new Float32Array([1, 2, 3])]);
  const second = encodeRecord({ b: 2 });
  const damaged = Buffer.concat([first, second]);
  damaged[20] ^= 0x10;
  const scan = scanRecord(damaged, 0);
  assert.equal(scan.kind, 'corrupt');
  const noMarker = Buffer.concat([Buffer.from('garbage!garbage!'), second]);
  assert.equal(scanRecord(noMarker, 0).kind, 'corrupt');
});
