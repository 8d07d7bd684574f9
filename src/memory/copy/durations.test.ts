// Tests of durations in notes and their rendering in code's units.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { durationUnit, noteDurations, renderDuration } from './durations';

const words = (text: string) => text.split(/\s+/u);

test('noteDurations: digits or number words, with the unit apart or joined', () => {
  const found = noteDurations(words("gunicorn's default 30-second worker timeout; the timeout was raised to 10 minutes."));
  assert.deepEqual(found.map((d) => [d.word, d.ms]), [[2, 30_000], [10, 600_000]]);
  assert.deepEqual(noteDurations(words('plus a five-second busy timeout')).map((d) => d.ms), [5000]);
  assert.deepEqual(noteDurations(words('retries 3 times within 250 ms, then waits 2 hours')).map((d) => d.ms), [250, 7_200_000]);
  assert.deepEqual(noteDurations(words('version 3.11 slim, port 8080, 2 workers, the second run')), [], 'no unit, or no number');
});

test('durationUnit: the unit the code names, else the language\'s habit', () => {
  assert.equal(durationUnit('Main.java', 'stmt.execute("PRAGMA busy_timeout='), 'ms');
  assert.equal(durationUnit('entrypoint.sh', 'exec gunicorn --timeout '), 's');
  assert.equal(durationUnit('app.py', 'requests.get(url, timeout_ms='), 'ms');
  assert.equal(durationUnit('index.ts', 'const ttlSeconds = '), 's', 'a name\'s part counts');
  assert.equal(durationUnit('cron.yaml', 'interval_minutes: '), 'min');
});

test('renderDuration: whole numbers in the unit only', () => {
  assert.equal(renderDuration(600_000, 's'), '600');
  assert.equal(renderDuration(5000, 'ms'), '5000');
  assert.equal(renderDuration(90_000, 'min'), null);
  assert.equal(renderDuration(15_000, 'go'), '15 * time.Second');
  assert.equal(renderDuration(600_000, 'go'), '10 * time.Minute');
  assert.equal(renderDuration(250, 'go'), '250 * time.Millisecond');
  assert.equal(durationUnit('client.go', 'client := &http.Client{\n\tTimeout: '), 'go');
});
